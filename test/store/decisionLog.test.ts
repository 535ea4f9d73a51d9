import { catalog } from '../../src/checks/catalog';
import { attestationChecks } from '../../src/checks/attestations';
import { applyDecisions, DAY_MS, type Decisions } from '../../src/core/decisions';
import { statusCounts } from '../../src/core/types';
import { requirements } from '../../src/core/requirements';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { dayAfter, decide, decideFromStore, decisionTarget, DecisionInputError, DecisionLog, SqliteStore, type AttestationInput, type ExceptionInput } from '../../src/store';
import { ACCOUNT_ID, scanChecks } from '../support/aws';
import { reportSchemaErrors } from '../support/contracts';

const OTHER_ACCOUNT = '210987654321';
const START = new Date('2024-06-01T10:00:00.000Z');
const SITE = 'arn:aws:s3:::site-assets';
const UPLOADS = 'arn:aws:s3:::uploads';
const NONE: Decisions = { attestations: [], exceptions: [] };

function automated(checkId: string, resource: string, fields: Partial<CheckResult> = {}): CheckResult {
  const check = catalog.find((c) => c.id === checkId)!;
  return {
    checkId,
    refs: check.refs,
    status: 'FAIL',
    severity: check.severity,
    accountId: ACCOUNT_ID,
    region: 'us-east-1',
    resource,
    message: `${check.title}: not met by ${resource}.`,
    remediation: check.remediation,
    ...fields,
  };
}

/**
 * The last scan: every attestation check through the real engine (MANUAL), two public buckets, a
 * user without MFA, and a log bucket whose protection could not be read (MANUAL, so a person may attest FTR-6.3).
 */
async function lastScan(): Promise<ScanReport> {
  const report = await scanChecks(attestationChecks, { now: () => START });
  const results = [
    ...report.results,
    automated('s3_bucket_public_access_restricted', SITE),
    automated('s3_bucket_public_access_restricted', UPLOADS),
    automated('iam_user_mfa_enabled_console_access', `arn:aws:iam::${ACCOUNT_ID}:user/alice`),
    automated('cloudtrail_log_bucket_protected', 'arn:aws:s3:::trail-logs', { status: 'MANUAL', message: 'The protection of log bucket trail-logs could not be read: record it.' }),
  ];
  return { ...report, summary: { ...report.summary, ...statusCounts(results) }, results };
}

describe('DecisionLog', () => {
  let now: Date;
  let store: SqliteStore;
  let log: DecisionLog;
  let report: ScanReport;
  beforeAll(async () => {
    report = await lastScan();
  });
  beforeEach(() => {
    now = START;
    store = new SqliteStore(':memory:', () => now);
    log = new DecisionLog({ store, requirements: requirements(), checks: catalog, now: () => now });
  });
  afterEach(async () => {
    await store.close();
  });

  const attestation = (fields: Partial<AttestationInput> = {}): AttestationInput => ({
    accountId: ACCOUNT_ID,
    requirementId: 'FTR-3.4',
    evidence: 'Root misuse runbook in the security wiki, reviewed 2024-05-20',
    link: 'https://wiki.example.com/runbooks/root-misuse',
    owner: 'U0OWNER01',
    expiresOn: '2025-01-15',
    by: 'U0ADMIN01',
    ...fields,
  });
  const exception = (fields: Partial<ExceptionInput> = {}): ExceptionInput => ({
    accountId: ACCOUNT_ID,
    checkId: 's3_bucket_public_access_restricted',
    resource: SITE,
    reason: 'Serves the public marketing website through CloudFront',
    owner: 'U0OWNER01',
    expiresOn: '2025-01-15',
    by: 'U0ADMIN01',
    ...fields,
  });

  /** The fields a refused recording names; nothing may have been stored or audited. */
  async function refusedFields(record: () => Promise<unknown>): Promise<string[]> {
    const error = await record().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DecisionInputError);
    expect(await store.decisions()).toEqual(NONE);
    const fields = (error as DecisionInputError).fields;
    for (const message of Object.values(fields)) expect(message).not.toBe('');
    return Object.keys(fields).sort();
  }

  describe('attest', () => {
    it('records an attestation with who and when, and the expiry asked for', async () => {
      const recorded = await log.attest(attestation({ requirementId: ' ftr-3.4 ' }), report);
      expect(recorded).toEqual({
        accountId: ACCOUNT_ID,
        requirementId: 'FTR-3.4',
        evidence: 'Root misuse runbook in the security wiki, reviewed 2024-05-20',
        link: 'https://wiki.example.com/runbooks/root-misuse',
        owner: 'U0OWNER01',
        recordedBy: 'U0ADMIN01',
        recordedAt: START.toISOString(),
        expiresAt: '2025-01-15T00:00:00.000Z',
      });
      expect(await store.decisions(ACCOUNT_ID)).toEqual({ attestations: [recorded], exceptions: [] });
      expect(await store.decisions(OTHER_ACCOUNT)).toEqual(NONE);
    });

    it("expires on the requirement's default when no expiry is given", async () => {
      expect((await log.attest(attestation({ expiresOn: undefined }))).expiresAt).toBe(`${dayAfter(START, 365)}T00:00:00.000Z`);
      // The identity audit is quarterly.
      expect((await log.attest(attestation({ requirementId: 'FTR-7.8', expiresOn: '' }))).expiresAt).toBe(`${dayAfter(START, 90)}T00:00:00.000Z`);
    });

    it('records a link as a valid URI, and evidence given only as a link', async () => {
      const recorded = await log.attest(attestation({ evidence: '', link: 'https://wiki.example.com/Sécurité/root misuse' }));
      expect(recorded.link).toBe('https://wiki.example.com/S%C3%A9curit%C3%A9/root%20misuse');
      expect(recorded.evidence).toBe('');
      // The report's `attestation.link` is a `uri`: as typed, the link would make the report invalid.
      expect(reportSchemaErrors(await decideFromStore(store, report, now))).toEqual([]);
    });

    it('lets a person attest a requirement that an automated check left MANUAL in the last report, and no other automated one', async () => {
      expect(await refusedFields(() => log.attest(attestation({ requirementId: 'FTR-6.3' })))).toEqual(['requirement']);
      expect((await log.attest(attestation({ requirementId: 'FTR-6.3' }), report)).requirementId).toBe('FTR-6.3');
      // FTR-7.1 is decided by its check from AWS (a FAIL in the last report).
      await expect(log.attest(attestation({ requirementId: 'FTR-7.1' }), report)).rejects.toMatchObject({ fields: { requirement: expect.stringContaining('exception') } });
      expect((await store.decisions()).attestations.map((a) => a.requirementId)).toEqual(['FTR-6.3']);
    });

    it.each<[string, Partial<AttestationInput>, string[]]>([
      ['an unknown requirement', { requirementId: 'FTR-99.1' }, ['requirement']],
      ['an empty requirement', { requirementId: '  ' }, ['requirement']],
      ['a requirement decided from AWS', { requirementId: 'FTR-7.1' }, ['requirement']],
      ['neither evidence nor link', { evidence: ' ', link: '' }, ['evidence']],
      ['no link and no evidence given at all', { evidence: undefined, link: undefined }, ['evidence']],
      ['evidence too long', { evidence: 'x'.repeat(3001) }, ['evidence']],
      ['a text that is not a link', { link: 'not a url' }, ['link']],
      ['a script link', { link: 'javascript:alert(1)' }, ['link']],
      ['an ftp link', { link: 'ftp://x' }, ['link']],
      ['an owner that is not a Slack user ID', { owner: 'alice' }, ['owner']],
      ['no owner', { owner: undefined }, ['owner']],
      ['an expiry in the past', { expiresOn: '2024-05-31' }, ['expiry']],
      ['an expiry today', { expiresOn: '2024-06-01' }, ['expiry']],
      ['an expiry that is not a date', { expiresOn: '15/01/2025' }, ['expiry']],
      ['an expiry on a day that does not exist', { expiresOn: '2025-02-30' }, ['expiry']],
      ['an expiry too far ahead', { expiresOn: '2030-01-01' }, ['expiry']],
      ['several bad fields', { requirementId: 'FTR-99.1', link: 'ftp://x', owner: 'alice', expiresOn: 'soon' }, ['expiry', 'link', 'owner', 'requirement']],
    ])('refuses %s, naming exactly the field, and saves nothing', async (_what, fields, named) => {
      expect(await refusedFields(() => log.attest(attestation(fields), report))).toEqual(named);
      expect(() => log.validateAttestation(attestation(fields), report)).toThrow(DecisionInputError);
      expect(await store.auditTrail(`attestation#${ACCOUNT_ID}#FTR-3.4`)).toEqual([]);
    });

    it('accepts an expiry tomorrow', async () => {
      expect((await log.attest(attestation({ expiresOn: '2024-06-02' }))).expiresAt).toBe('2024-06-02T00:00:00.000Z');
    });

    it('replaces the attestation before, and audits each recording', async () => {
      const first = await log.attest(attestation());
      now = new Date('2024-09-01T08:00:00.000Z');
      const second = await log.attest(attestation({ evidence: 'Runbook reviewed again', owner: 'U0OWNER02', by: 'U0ADMIN02', expiresOn: '2025-09-01' }));
      expect((await store.decisions(ACCOUNT_ID)).attestations).toEqual([second]);
      expect(await store.auditTrail(decisionTarget(first))).toEqual([
        { at: START.toISOString(), actor: 'U0ADMIN01', action: 'attested', target: decisionTarget(first), detail: expect.stringContaining('U0OWNER01') },
        { at: '2024-09-01T08:00:00.000Z', actor: 'U0ADMIN02', action: 'attested', target: decisionTarget(first), detail: expect.stringContaining('2025-09-01') },
      ]);
    });
  });

  describe('revokeAttestation', () => {
    it('revokes the live attestation, keeping it with who and when, and audits it', async () => {
      const recorded = await log.attest(attestation());
      now = new Date('2024-07-01T09:00:00.000Z');
      const revoked = await log.revokeAttestation(ACCOUNT_ID, 'ftr-3.4', 'U0ADMIN02');
      expect(revoked).toEqual({ ...recorded, revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' });
      expect((await store.decisions(ACCOUNT_ID)).attestations).toEqual([revoked]);
      expect((await store.auditTrail(decisionTarget(recorded))).map((e) => [e.actor, e.action, e.at])).toEqual([
        ['U0ADMIN01', 'attested', START.toISOString()],
        ['U0ADMIN02', 'revoked', '2024-07-01T09:00:00.000Z'],
      ]);

      // Nothing live is left to revoke.
      expect(await log.revokeAttestation(ACCOUNT_ID, 'FTR-3.4', 'U0ADMIN03')).toBeUndefined();
      expect(await store.auditTrail(decisionTarget(recorded))).toHaveLength(2);
    });

    it('revokes nothing that was never recorded, nor in another account', async () => {
      await log.attest(attestation());
      expect(await log.revokeAttestation(ACCOUNT_ID, 'FTR-9.3', 'U0ADMIN02')).toBeUndefined();
      expect(await log.revokeAttestation(OTHER_ACCOUNT, 'FTR-3.4', 'U0ADMIN02')).toBeUndefined();
      expect((await store.decisions()).attestations.filter((a) => a.revokedAt)).toEqual([]);
      expect(await store.auditTrail(`attestation#${OTHER_ACCOUNT}#FTR-3.4`)).toEqual([]);
    });
  });

  describe('except', () => {
    it('records an exception for one check and resource, and audits it with the reason', async () => {
      const recorded = await log.except(exception(), report);
      expect(recorded).toEqual({
        accountId: ACCOUNT_ID,
        checkId: 's3_bucket_public_access_restricted',
        resource: SITE,
        reason: 'Serves the public marketing website through CloudFront',
        owner: 'U0OWNER01',
        recordedBy: 'U0ADMIN01',
        recordedAt: START.toISOString(),
        expiresAt: '2025-01-15T00:00:00.000Z',
      });
      expect(await store.decisions(ACCOUNT_ID)).toEqual({ attestations: [], exceptions: [recorded] });
      expect(await store.auditTrail(decisionTarget(recorded))).toEqual([
        { at: START.toISOString(), actor: 'U0ADMIN01', action: 'excepted', target: decisionTarget(recorded), detail: expect.stringContaining(recorded.reason) },
      ]);
    });

    it('expires after 90 days when no expiry is given, and at most twelve months ahead', async () => {
      expect((await log.except(exception({ expiresOn: undefined }), report)).expiresAt).toBe(`${dayAfter(START, 90)}T00:00:00.000Z`);
      expect((await log.except(exception({ resource: UPLOADS, expiresOn: dayAfter(START, 365) }), report)).expiresAt).toBe(`${dayAfter(START, 365)}T00:00:00.000Z`);
    });

    it.each<[string, Partial<ExceptionInput>, string[]]>([
      ['an unknown check', { checkId: 'no_such_check' }, ['check']],
      ['an attestation check', { checkId: 'attest_root_misuse_runbook', resource: 'account' }, ['check']],
      ['a resource the last scan has no result of', { resource: 'arn:aws:s3:::not-scanned' }, ['resource']],
      ['a resource of another account', { accountId: OTHER_ACCOUNT }, ['resource']],
      ['a resource of another check', { resource: `arn:aws:iam::${ACCOUNT_ID}:user/alice` }, ['resource']],
      ['no resource', { resource: ' ' }, ['resource']],
      ['a short reason', { reason: 'website' }, ['reason']],
      ['no reason', { reason: undefined }, ['reason']],
      ['an owner that is not a Slack user ID', { owner: '@alice' }, ['owner']],
      ['an expiry more than 365 days ahead', { expiresOn: dayAfter(START, 366) }, ['expiry']],
      ['an expiry in the past', { expiresOn: '2024-01-01' }, ['expiry']],
      ['an expiry that is not a date', { expiresOn: 'next year' }, ['expiry']],
    ])('refuses %s, naming exactly the field, and saves nothing', async (_what, fields, named) => {
      expect(await refusedFields(() => log.except(exception(fields), report))).toEqual(named);
      expect(await store.auditTrail(`exception#${ACCOUNT_ID}#s3_bucket_public_access_restricted#${SITE}`)).toEqual([]);
    });

    it('revokes the live exception and audits it; revoking it again does nothing', async () => {
      const recorded = await log.except(exception(), report);
      now = new Date('2024-07-01T09:00:00.000Z');
      expect(await log.revokeException(ACCOUNT_ID, 's3_bucket_public_access_restricted', UPLOADS, 'U0ADMIN02')).toBeUndefined();
      const revoked = await log.revokeException(ACCOUNT_ID, 's3_bucket_public_access_restricted', SITE, 'U0ADMIN02');
      expect(revoked).toEqual({ ...recorded, revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' });
      expect((await store.decisions(ACCOUNT_ID)).exceptions).toEqual([revoked]);
      expect(await log.revokeException(ACCOUNT_ID, 's3_bucket_public_access_restricted', SITE, 'U0ADMIN03')).toBeUndefined();
      expect((await store.auditTrail(decisionTarget(recorded))).map((e) => [e.actor, e.action])).toEqual([
        ['U0ADMIN01', 'excepted'],
        ['U0ADMIN02', 'revoked'],
      ]);
    });
  });

  describe('apply', () => {
    it('passes an attested requirement and accepts one bucket, with the summary following, then fails the attestation on expiry', async () => {
      const runbook = (r: ScanReport) => r.results.find((x) => x.checkId === 'attest_root_misuse_runbook')!;
      const bucket = (r: ScanReport, resource: string) => r.results.find((x) => x.checkId === 's3_bucket_public_access_restricted' && x.resource === resource)!;
      await log.attest(attestation({ expiresOn: '2024-12-01' }), report);
      await log.except(exception(), report);

      now = new Date('2024-06-02T00:00:00.000Z');
      const applied = await decideFromStore(store, report, now);
      expect(runbook(applied)).toMatchObject({ status: 'PASS', attestation: { state: 'active', owner: 'U0OWNER01' } });
      expect(bucket(applied, SITE)).toMatchObject({ status: 'FAIL', exception: { reason: exception().reason, expiresAt: '2025-01-15T00:00:00.000Z' } });
      expect(bucket(applied, UPLOADS)).not.toHaveProperty('exception');
      // The exception keeps the FAIL in the report's counts; the attestation moves one MANUAL to PASS.
      expect(applied.summary).toEqual({ ...report.summary, PASS: report.summary.PASS + 1, MANUAL: report.summary.MANUAL - 1 });
      expect(reportSchemaErrors(applied)).toEqual([]);
      // Applying to the applied report changes nothing.
      expect(await decideFromStore(store, applied, now)).toEqual(applied);

      now = new Date('2024-12-01T00:00:00.000Z');
      const expired = await decideFromStore(store, applied, now);
      expect(runbook(expired)).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/^Attestation expired on 2024-12-01/) });
      expect(expired.summary).toEqual({ ...report.summary, FAIL: report.summary.FAIL + 1, MANUAL: report.summary.MANUAL - 1 });
      expect(bucket(expired, SITE).exception).toBeDefined();
      expect(reportSchemaErrors(expired)).toEqual([]);
    });
  });
});

describe('decide', () => {
  it('counts the statuses of the decided results in the summary, keeping the rest of it', async () => {
    const report = await scanChecks(attestationChecks, { now: () => START });
    const recorded = { owner: 'U0OWNER01', recordedBy: 'U0ADMIN01', recordedAt: START.toISOString() };
    const decisions: Decisions = {
      attestations: [
        { accountId: ACCOUNT_ID, requirementId: 'FTR-3.4', evidence: 'Runbook', expiresAt: new Date(START.getTime() + 30 * DAY_MS).toISOString(), ...recorded },
        { accountId: ACCOUNT_ID, requirementId: 'FTR-9.3', evidence: 'DR test', expiresAt: new Date(START.getTime() + DAY_MS).toISOString(), ...recorded },
        { accountId: ACCOUNT_ID, requirementId: 'FTR-7.4', evidence: 'SSO only', expiresAt: new Date(START.getTime() + 30 * DAY_MS).toISOString(), ...recorded, revokedBy: 'U0ADMIN02', revokedAt: START.toISOString() },
      ],
      exceptions: [],
    };
    const manual = report.summary.MANUAL;
    expect(manual).toBe(attestationChecks.length);

    const decided = decide(report, decisions, new Date(START.getTime() + 2 * DAY_MS));
    expect(decided.summary).toEqual({ ...report.summary, PASS: 1, FAIL: 1, MANUAL: manual - 2 });
    expect(decided.results).toEqual(applyDecisions(report.results, decisions, new Date(START.getTime() + 2 * DAY_MS)));
    // Without the decisions, every result needs a person again.
    expect(decide(decided, NONE, START).summary).toEqual(report.summary);
  });
});
