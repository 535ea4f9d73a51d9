import type { Button, SectionBlock } from '@slack/types';
import { catalog } from '../../src/checks/catalog';
import type { Attestation, DecidedResult, ResourceException } from '../../src/core/decisions';
import { requirements } from '../../src/core/requirements';
import { checkResultsMessage, validateMessage, type SlackMessage } from '../../src/slack/blocks';
import { CHECK_PAGE_SIZE, checkQueryResults, findFinding, findingRefFor, findingRefValue, parseFindingRef } from '../../src/slack/blocks/results';
import { attestationListMessage, attestationModal, evidenceWording, exceptionListMessage, exceptionModal } from '../../src/slack/decisionModals';
import { blockKitViolations, modalViolations } from '../support/slackApi';
import { ACCOUNT, allText, GENERATED_AT, NOW, report, result } from './blocks/fixtures';

const HOSTILE = '<!channel> *bold* _it_ `code` &amp; <https://evil.example|click>';

const accessories = (message: SlackMessage): Button[] =>
  (message.blocks as SectionBlock[]).filter((b) => b.type === 'section' && b.accessory).map((b) => b.accessory as Button);

function attestation(overrides: Partial<Attestation> = {}): Attestation {
  return {
    accountId: ACCOUNT,
    requirementId: 'FTR-3.4',
    evidence: `${HOSTILE} ${'e'.repeat(3000)}`.slice(0, 3000),
    link: 'https://wiki.example.com/runbook',
    owner: 'U0OWNER',
    recordedBy: 'U0ADMIN',
    recordedAt: '2024-04-01T10:00:00.000Z',
    expiresAt: '2025-04-01T00:00:00.000Z',
    ...overrides,
  };
}

function exception(overrides: Partial<ResourceException> = {}): ResourceException {
  return {
    accountId: ACCOUNT,
    checkId: 's3_bucket_public_access_restricted',
    resource: 'arn:aws:s3:::site',
    reason: `${HOSTILE} ${'r'.repeat(3000)}`.slice(0, 3000),
    owner: 'U0OWNER',
    recordedBy: 'U0ADMIN',
    recordedAt: '2024-04-01T10:00:00.000Z',
    expiresAt: '2024-05-10T00:00:00.000Z',
    ...overrides,
  };
}

describe('the attestation modal', () => {
  it.each(['FTR-3.4', 'FTR-7.8', 'WAS-IR-3', 'FTR-13.2'])('for %s stays within Slack limits with a long, hostile attestation recorded', (id) => {
    const requirement = requirements().byId.get(id)!;
    const view = attestationModal({
      accountId: ACCOUNT,
      requirement,
      wording: evidenceWording(requirement, catalog),
      current: attestation({ requirementId: id }),
      evidence: attestation().evidence,
      owner: 'U0OWNER',
      expiresOn: '2025-05-01',
      now: NOW,
    });
    expect(modalViolations(view)).toEqual([]);
    const text = allText(view.blocks);
    expect(text).not.toMatch(/<!channel>|<https:/);
    expect(text).toContain('it expires on 2025-04-01');
  });

  it('words the evidence as the attestation check does, else as the report asked, else as the reference does', () => {
    expect(evidenceWording(requirements().byId.get('FTR-9.3')!, catalog)).toMatch(/^the date and result of the last DR test/);
    const macie = requirements().byId.get('FTR-12.1')!;
    const asked = report([result({ checkId: 'macie_enabled', refs: ['FTR-12.1'], status: 'MANUAL', message: 'Record how sensitive data is classified.' })]);
    expect(evidenceWording(macie, [], asked)).toBe('Record how sensitive data is classified.');
    expect(evidenceWording(macie, [])).toBe(macie.evidence);
  });
});

describe('the exception modal', () => {
  it('names a finding whose resource is too long to carry by its place in the report, and stays within limits', () => {
    const long = result({ checkId: 's3_bucket_public_access_restricted', resource: `arn:aws:s3:::${'b'.repeat(4000)}`, message: HOSTILE });
    const scan = report([result({ checkId: 'other' }), long]);
    const ref = findingRefFor(scan, long, 3000)!;
    expect(parseFindingRef(ref)).toEqual({ accountId: ACCOUNT, checkId: long.checkId, generatedAt: GENERATED_AT, index: 1 });
    const view = exceptionModal({ ref, result: long, checks: catalog, current: exception({ resource: long.resource }), owner: 'U0ADMIN', expiresOn: '2024-07-30', now: NOW });
    expect(modalViolations(view)).toEqual([]);
    expect(allText(view.blocks)).not.toMatch(/<!channel>|<https:/);
    expect(findFinding(scan, parseFindingRef(view.private_metadata!)!)).toBe(long);
  });
});

describe('finding references', () => {
  const site = result({ checkId: 'c1', resource: 'arn:aws:s3:::site' });
  const scan = report([site, result({ checkId: 'c2', resource: 'arn:aws:s3:::site' })]);

  it('round-trip by name or by place', () => {
    const byName = { accountId: ACCOUNT, checkId: 'c1', resource: 'arn:aws:s3:::site' };
    expect(parseFindingRef(findingRefValue(byName))).toEqual(byName);
    expect(findFinding(scan, byName)).toBe(site);
    expect(findFinding(scan, { accountId: ACCOUNT, checkId: 'c1', generatedAt: GENERATED_AT, index: 0 })).toBe(site);
  });

  it('name nothing when forged, or when the report they were made for was replaced', () => {
    for (const value of ['', 'null', '[]', '{"a":"1","c":"c1"}', '{"a":"1","c":"c1","g":"x","i":-1}', '{"a":"1","c":"c1","g":"x","i":1.5}', 'c1|site']) {
      expect(parseFindingRef(value)).toBeUndefined();
    }
    expect(findFinding(scan, { accountId: ACCOUNT, checkId: 'c2', generatedAt: GENERATED_AT, index: 0 })).toBeUndefined();
    expect(findFinding(scan, { accountId: ACCOUNT, checkId: 'c1', generatedAt: '2024-05-02T00:00:00.000Z', index: 0 })).toBeUndefined();
    expect(findFinding(scan, { accountId: '999999999999', checkId: 'c1', resource: 'arn:aws:s3:::site' })).toBeUndefined();
  });
});

describe('check pages with decisions', () => {
  const accepted: DecidedResult = {
    ...result({ checkId: 'c1', resource: 'arn:aws:s3:::site', message: 'site is public.' }),
    exception: { reason: `Website ${HOSTILE}`, owner: 'U0OWNER', recordedBy: 'U0ADMIN', recordedAt: '2024-04-01T10:00:00.000Z', expiresAt: '2024-07-01T00:00:00.000Z' },
  };
  const attested: DecidedResult = {
    ...result({ checkId: 'c2', refs: ['FTR-7.1'], status: 'PASS', message: 'Attested by U0ADMIN.' }),
    attestation: { requirementIds: ['FTR-7.1'], evidence: 'x', link: 'https://wiki.example.com/a', owner: 'U0OWNER', recordedBy: 'U0ADMIN', recordedAt: GENERATED_AT, expiresAt: '2025-01-01T00:00:00.000Z', state: 'active' },
  };
  const expired: DecidedResult = {
    ...result({ checkId: 'c3', refs: ['FTR-7.1'], message: 'Attestation expired on 2024-04-01.' }),
    attestation: { ...attested.attestation!, expiresAt: '2024-04-01T00:00:00.000Z', state: 'expired' },
  };
  const failing = result({ checkId: 'c1', resource: 'arn:aws:s3:::data', message: 'data is public.' });
  const scan = report([accepted, attested, expired, failing]);

  it('show the exception under its resource, count it as met, and offer Accept… only on unaccepted failures of automated checks when asked', () => {
    const page = checkResultsMessage({ report: scan, query: 'FTR-7.1', now: NOW, checks: [], acceptFindings: true });
    const text = allText(page.blocks);
    expect(text).toContain(':ballot_box_with_check: Accepted until 2024-07-01 by <@U0ADMIN>, owner <@U0OWNER>: Website &lt;!channel&gt; ∗bold∗');
    expect(text).toContain('2 fail · 2 pass (1 accepted)');
    expect(text).toContain(':link: <https://wiki.example.com/a|Evidence of the attestation>');
    // The accepted failure no longer needs action: listed after the one that does.
    expect(text.indexOf('`data`')).toBeLessThan(text.indexOf('`site`'));
    expect(accessories(page).map((b) => parseFindingRef(b.value!))).toEqual([{ accountId: ACCOUNT, checkId: 'c1', resource: 'arn:aws:s3:::data' }]);
    expect(accessories(checkResultsMessage({ report: scan, query: 'FTR-7.1', now: NOW, checks: [] }))).toEqual([]);
    expect(validateMessage(page)).toEqual([]);
  });

  it('every page of 10,000 hostile failures, each of its own check, keeps an Accept… button per failure within Slack limits', () => {
    const hostile = Array.from({ length: 10_000 }, (_v, i) =>
      result({
        checkId: `check_${i}_${'&'.repeat(300)}`,
        status: i % 7 === 0 ? 'PASS' : 'FAIL',
        region: `<region>${'&'.repeat(300)}`,
        resource: `${'<'.repeat(2500)}-${i}`,
        message: `${'<!channel> &'.repeat(400)} ${i}`,
        remediation: `${'**<&>** `a&b` '.repeat(300)}`,
      }),
    );
    const worst = report(hostile);
    for (const n of [1, 2, 250, 500]) {
      const page = checkResultsMessage({ report: worst, query: 'FTR-7.1', now: NOW, checks: [], page: n, shownGeneratedAt: 'older', acceptFindings: true });
      expect(validateMessage(page)).toEqual([]);
      expect(blockKitViolations(page.blocks, 'message')).toEqual([]);
      // One block stays free for the Share button.
      expect(page.blocks.length).toBeLessThan(50);
      const shown = checkQueryResults(worst, { kind: 'requirement', id: 'FTR-7.1' })
        .slice((n - 1) * CHECK_PAGE_SIZE, n * CHECK_PAGE_SIZE)
        .filter((r) => r.status === 'FAIL');
      const buttons = accessories(page);
      expect(buttons).toHaveLength(shown.length);
      for (const b of buttons) expect(findFinding(worst, parseFindingRef(b.value!)!)?.status).toBe('FAIL');
      // Failures come first: the early pages hold nothing else.
      if (n <= 2) expect(buttons).toHaveLength(CHECK_PAGE_SIZE);
    }
  });
});

describe('lists', () => {
  it('group attestations by where they stand, flag those expiring within 14 days, and stay within limits', () => {
    const now = new Date('2024-05-01T00:00:00.000Z');
    const many = Array.from({ length: 80 }, (_v, i) => attestation({ requirementId: `FTR-${i}.1`, expiresAt: '2025-01-01T00:00:00.000Z' }));
    const message = attestationListMessage({
      accountId: ACCOUNT,
      attestations: [
        attestation({ requirementId: 'FTR-7.8', expiresAt: '2024-05-10T00:00:00.000Z' }),
        attestation({ requirementId: 'FTR-9.3', expiresAt: '2024-04-01T00:00:00.000Z' }),
        attestation({ requirementId: 'FTR-9.1', revokedAt: '2024-04-20T00:00:00.000Z', revokedBy: 'U0ADMIN' }),
        ...many,
      ],
      open: ['WAS-IR-3'],
      now,
    });
    const text = allText(message.blocks);
    expect(text).toContain('*Active (81)*\n:hourglass_flowing_sand: *FTR-7.8* — owner <@U0OWNER>, expires on 2024-05-10');
    expect(text).toContain('*Expired (1)*\n*FTR-9.3* — owner <@U0OWNER>, expired on 2024-04-01');
    expect(text).toContain('*Revoked (1)*\n*FTR-9.1* — owner <@U0OWNER>, revoked on 2024-04-20 by <@U0ADMIN>');
    expect(text).toContain('_… and 51 more._');
    expect(text).toContain('*Still needing attestation (1):* WAS-IR-3');
    expect(text).not.toMatch(/<!channel>/);
    expect(message.text).toBe(`Attestations of account ${ACCOUNT}: 81 active, 1 expiring within 14 days, 1 expired`);
    expect(validateMessage(message)).toEqual([]);
  });

  it('list exceptions with owner and expiry, and say when there are none', () => {
    const message = exceptionListMessage({ accountId: ACCOUNT, exceptions: [exception()], now: new Date('2024-05-01T00:00:00.000Z') });
    expect(allText(message.blocks)).toContain(':hourglass_flowing_sand: `s3_bucket_public_access_restricted` · `arn:aws:s3:::site` — owner <@U0OWNER>, expires on 2024-05-10');
    expect(validateMessage(message)).toEqual([]);
    expect(allText(exceptionListMessage({ accountId: ACCOUNT, exceptions: [], now: NOW }).blocks)).toContain('No exceptions are recorded');
  });
});
