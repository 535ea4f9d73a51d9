import type { ActionsBlock, Button, HeaderBlock, SectionBlock } from '@slack/types';
import { LIMITS, scanProgressMessage, statusMessage, validateMessage } from '../../../src/slack/blocks';
import { failureValue, parseFailureValue, progressBar, runbookForRequirement, STATUS_ACTIONS } from '../../../src/slack/blocks/status';
import type { Runbook } from '../../../src/slack/runbooks';
import { slackDate } from '../../../src/slack/blocks/format';
import { requirements } from '../../../src/core/requirements';
import { ACCOUNT, allText, check, largeReport, NOW, report, result, texts, userArn } from './fixtures';

const checks = [
  check({ id: 'iam_root_access_keys', refs: ['FTR-3.2'], severity: 'critical', title: 'Root user has no access keys' }),
  check({ id: 'iam_user_mfa', refs: ['FTR-7.1'], severity: 'high', title: 'Console users have MFA' }),
  check({ id: 's3_bucket_not_public', refs: ['FTR-10.2'], severity: 'high', title: 'Buckets are not public' }),
  check({ id: 'iam_access_key_rotation', refs: ['FTR-7.2'], severity: 'medium', title: 'Access keys are rotated' }),
  check({ id: 'ec2_sg_admin_ports', refs: ['WAS-INF-3'], severity: 'low', title: 'No admin ports open to the internet' }),
];

const results = [
  result({ checkId: 'support_plan', refs: ['FTR-1.1'], status: 'PASS' }),
  result({ checkId: 'iam_root_access_keys', refs: ['FTR-3.2'], severity: 'critical', resource: `arn:aws:iam::${ACCOUNT}:root` }),
  result({ checkId: 'cloudtrail_multi_region', refs: ['FTR-6.1'], status: 'ERROR', region: 'eu-west-1', message: 'Could not evaluate: AccessDenied.' }),
  result({ checkId: 'iam_user_mfa', refs: ['FTR-7.1'], severity: 'high', resource: userArn('alice') }),
  result({ checkId: 'iam_user_mfa', refs: ['FTR-7.1'], severity: 'high', resource: userArn('*admin*_ops') }),
  result({ checkId: 'iam_user_mfa', refs: ['FTR-7.1'], severity: 'high', resource: userArn('carol'), status: 'PASS' }),
  result({ checkId: 'iam_password_policy_strong', refs: ['FTR-7.3'], status: 'PASS' }),
  ...['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'].map((u) => result({ checkId: 'iam_access_key_rotation', refs: ['FTR-7.2'], resource: userArn(u) })),
  result({ checkId: 'attest_rpo_defined', refs: ['FTR-9.1'], status: 'MANUAL' }),
  result({ checkId: 's3_bucket_not_public', refs: ['FTR-10.2'], severity: 'high', resource: 'arn:aws:s3:::<!channel>-bucket' }),
  result({ checkId: 'ec2_sg_admin_ports', refs: ['WAS-INF-3'], severity: 'low', region: 'eu-west-1', resource: 'sg-0123' }),
];

const overview = (extra: Partial<Parameters<typeof statusMessage>[0]> = {}) =>
  statusMessage({ report: report(results), now: NOW, accountId: ACCOUNT, canRescan: true, checks, ...extra });

describe('statusMessage', () => {
  it('opens with the account, the regions and the age of the data', () => {
    const message = overview();
    expect((message.blocks[0] as HeaderBlock).text.text).toBe(`FTR readiness · ${ACCOUNT}`);
    const provenance = texts([message.blocks[1]])[0];
    expect(provenance).toContain(`Account \`${ACCOUNT}\``);
    expect(provenance).toContain('2 regions: eu-west-1 and us-east-1');
    expect(provenance).toContain('<!date^1714557600^');
    expect(provenance).toContain('(12 minutes ago)');
    expect(provenance).not.toContain('stale');
    expect(message.text).toBe(`FTR readiness for ${ACCOUNT}: 5 checks failing, 1 error, 1 needs attestation (gathered 12 minutes ago)`);
  });

  it('flags stale data', () => {
    const message = statusMessage({ report: report(results, { generatedAt: '2024-04-28T10:00:00.000Z' }), now: NOW, accountId: ACCOUNT, canRescan: false, checks });
    expect(texts([message.blocks[1]])[0]).toMatch(/\(3 days ago\) · :hourglass: stale/);
  });

  it('summarises each section on one line, in document order: requirements met first, failing resources second', () => {
    const text = allText(overview().blocks);
    expect(text).toContain(':white_check_mark: *FTR-1* Support Level — 1 of 1 requirement met\n');
    expect(text).toContain(':grey_question: *FTR-2* AWS Well-Architected Review — 0 of 1 requirement met · not evaluated by this scan');
    expect(text).toContain(':x: *FTR-3* AWS Root Account — 0 of 4 requirements met · 1 failing resource');
    expect(text).toContain(':warning: *FTR-6* CloudTrail — 0 of 4 requirements met · 1 error');
    // alice, *admin*_ops and k1…k7: carol passes.
    expect(text).toContain(':x: *FTR-7* Identity and Access Management — 1 of 11 requirements met · 9 failing resources');
    expect(text).toContain(':memo: *FTR-9* Disaster Recovery — 0 of 3 requirements met\n');
    expect(text).toContain(':x: *WAS-INF* Infrastructure Protection — 0 of 3 requirements met · 1 failing resource');
    const order = [...text.matchAll(/^:\w+: \*((?:FTR-\d+|WAS-[A-Z]+))\* /gm)].map((m) => m[1]);
    expect(order).toEqual(requirements().sections.map((s) => s.id));
  });

  it('counts a check that is evidence for two sections in both', () => {
    const text = allText(
      statusMessage({ report: report([result({ checkId: 'third_party_roles', refs: ['FTR-7.5', 'FTR-11.3'], resource: 'role/vendor' })]), now: NOW, accountId: ACCOUNT, canRescan: false, checks }).blocks,
    );
    expect(text).toContain('*FTR-7* Identity and Access Management — 0 of 11 requirements met · 1 failing resource');
    expect(text).toContain('*FTR-11* Cross-Account Access — 0 of 7 requirements met · 1 failing resource');
  });

  it('leads with the requirements met, then the checks and resources behind them', () => {
    const [first, second] = texts([overview().blocks[2]])[0].split('\n');
    // FTR-1.1 and FTR-7.3 pass; FTR-3.2, 7.1, 7.2 and 10.2 fail and FTR-6.1 errs; FTR-9.1 awaits attestation; WAS-INF-3 fails but does not block.
    expect(first).toBe(`*2 of ${requirements().all.length} requirements met* (5 blocking · 1 needs attestation)`);
    expect(second).toBe(':x: *5 checks failing* on 12 resources · :warning: 1 could not be evaluated · :memo: 1 needs attestation · :white_check_mark: 3 pass');
  });

  it('lists the failures by severity, then section, with requirement IDs, titles and resources', () => {
    const failures = texts(overview().blocks).filter((t) => /^:(red|large_\w+)_circle:/.test(t));
    expect(failures.map((f) => f.match(/`([a-z0-9_]+)`\n/)?.[1])).toEqual([
      'iam_root_access_keys',
      'iam_user_mfa',
      's3_bucket_not_public',
      'iam_access_key_rotation',
      'ec2_sg_admin_ports',
    ]);
    expect(failures[0]).toBe(`:red_circle: Critical · *Root user has no access keys* · FTR-3.2 · \`iam_root_access_keys\`\n1 resource: \`root\``);
    expect(failures[1]).toContain('*Console users have MFA* · FTR-7.1');
    expect(failures[1]).toContain('2 resources: `user/alice` and `user/*admin*_ops`');
    expect(failures[3]).toContain('7 resources: `user/k1`, `user/k2`, `user/k3` and 4 more');
  });

  it('escapes names from AWS', () => {
    const text = allText(overview().blocks);
    expect(text).toContain('`&lt;!channel&gt;-bucket`');
    expect(text.replace(/<!date\^[^>]+>/g, '')).not.toMatch(/<[@!#]/);
  });

  it('says which checks could not be evaluated', () => {
    expect(allText(overview().blocks)).toContain(':warning: *Could not evaluate* `cloudtrail_multi_region`');
  });

  it('offers Re-scan only to those who may', () => {
    const withButton = overview().blocks.at(-1) as ActionsBlock;
    expect(withButton.type).toBe('actions');
    expect(withButton.elements[0]).toMatchObject({ type: 'button', action_id: 'ftr_rescan', value: ACCOUNT });
    expect(overview({ canRescan: false }).blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('shows the top failures and says how many more there are', () => {
    const many = Array.from({ length: 15 }, (_v, i) => result({ checkId: `check_${String(i).padStart(2, '0')}`, refs: ['FTR-7.1'] }));
    const text = allText(statusMessage({ report: report(many), now: NOW, accountId: ACCOUNT, canRescan: false, checks: [] }).blocks);
    expect(text).toContain('`check_09`');
    expect(text).not.toContain('`check_10`');
    expect(text).toContain('… and 5 more failing checks.');
  });

  it('falls back to the requirement for a check the catalog does not know', () => {
    const text = allText(statusMessage({ report: report([result({ checkId: 'new_check', refs: ['FTR-7.3'] })]), now: NOW, accountId: ACCOUNT, canRescan: false, checks: [] }).blocks);
    expect(text).toContain('*Strong password policy* · FTR-7.3 · `new_check`');
  });

  it('produces a valid message', () => {
    expect(validateMessage(overview())).toEqual([]);
  });

  describe('the direction since a week before', () => {
    // FTR-1.1 and FTR-7.3 pass; every other requirement fails, awaits attestation or has no result.
    const MET = `*2 of ${requirements().all.length} requirements met* (5 blocking · 1 needs attestation)`;
    const postureText = (message: ReturnType<typeof overview>) => texts([message.blocks[2]])[0].split('\n')[0];
    const weekBefore = new Date('2024-04-24T09:00:00.000Z');

    it('without an earlier scan, counts the requirements met, right under the provenance', () => {
      const message = overview();
      expect(message.blocks[2].type).toBe('section');
      expect(postureText(message)).toBe(MET);
    });

    it('shows how many more are met than a week before, and when that was', () => {
      expect(postureText(overview({ weekAgo: { generatedAt: weekBefore, met: 0 } }))).toBe(
        `${MET} · :arrow_up: 2 more than a week ago (0 on ${slackDate(weekBefore)})`,
      );
    });

    it('shows how many fewer', () => {
      expect(postureText(overview({ weekAgo: { generatedAt: weekBefore, met: 5 } }))).toBe(
        `${MET} · :arrow_down: 3 fewer than a week ago (5 on ${slackDate(weekBefore)})`,
      );
    });

    it('says when nothing changed', () => {
      expect(postureText(overview({ weekAgo: { generatedAt: weekBefore, met: 2 } }))).toBe(`${MET} · no change since ${slackDate(weekBefore)}`);
    });

    it('against a scan less than a week older, says since when instead of "a week ago"', () => {
      const threeDaysBefore = new Date('2024-04-28T10:00:00.000Z');
      expect(postureText(overview({ weekAgo: { generatedAt: threeDaysBefore, met: 1 } }))).toBe(
        `${MET} · :arrow_up: 1 more since ${slackDate(threeDaysBefore)} (1 then)`,
      );
      const exactlyAWeek = new Date('2024-04-24T10:00:00.000Z');
      expect(postureText(overview({ weekAgo: { generatedAt: exactlyAWeek, met: 1 } }))).toContain(':arrow_up: 1 more than a week ago');
    });

    it('is left out of a single section, and the overview with it stays valid', () => {
      const weekAgo = { generatedAt: weekBefore, met: 0 };
      expect(allText(overview({ section: 'FTR-7', weekAgo }).blocks)).not.toContain('week ago');
      expect(validateMessage(overview({ weekAgo }))).toEqual([]);
    });
  });

  describe('the requirements headline', () => {
    const headline = (rs: Parameters<typeof report>[0]) =>
      texts([statusMessage({ report: report(rs), now: NOW, accountId: ACCOUNT, canRescan: false, checks }).blocks[2]])[0].split('\n')[0];
    const TOTAL = requirements().all.length;

    it('blocks on FTR requirements that fail or cannot be evaluated, not on checklist ones', () => {
      expect(
        headline([
          result({ checkId: 'a', refs: ['FTR-7.1'], status: 'FAIL' }),
          result({ checkId: 'b', refs: ['FTR-6.1'], status: 'ERROR' }),
          result({ checkId: 'c', refs: ['WAS-INF-3'], status: 'FAIL' }),
          result({ checkId: 'd', refs: ['WAS-DET-1'], status: 'ERROR' }),
          result({ checkId: 'e', refs: ['FTR-1.1'], status: 'PASS' }),
          result({ checkId: 'f', refs: ['FTR-2.1'], status: 'NOT_APPLICABLE' }),
        ]),
      ).toBe(`*2 of ${TOTAL} requirements met* (2 blocking)`);
    });

    it('counts the requirements awaiting attestation apart, from both documents', () => {
      expect(
        headline([
          result({ checkId: 'a', refs: ['FTR-9.1'], status: 'MANUAL' }),
          result({ checkId: 'b', refs: ['WAS-IR-1'], status: 'MANUAL' }),
          // The worst result decides: this one fails, so it blocks rather than awaits attestation.
          result({ checkId: 'c', refs: ['FTR-3.4'], status: 'MANUAL' }),
          result({ checkId: 'd', refs: ['FTR-3.4'], status: 'FAIL' }),
        ]),
      ).toBe(`*0 of ${TOTAL} requirements met* (1 blocking · 2 need attestation)`);
    });

    it('says nothing is blocking when nothing is, and leaves the parenthesis out when every requirement is met', () => {
      expect(headline([result({ checkId: 'a', refs: ['FTR-1.1'], status: 'PASS' })])).toBe(`*1 of ${TOTAL} requirements met* (0 blocking)`);
      const everyOne = requirements().all.map((r) => result({ checkId: `c_${r.id}`, refs: [r.id], status: 'PASS' }));
      expect(headline(everyOne)).toBe(`*${TOTAL} of ${TOTAL} requirements met*`);
    });
  });

  describe('the buttons of the top failures', () => {
    const runbook = (name: string, refs: string[]): Runbook => ({ name, title: name, summary: 's', steps: ['Do it.'], refs });
    // Declares the bucket requirement, and checklist ones that stand for broad practices.
    const runbooks = [runbook('public-s3-bucket', ['FTR-10.2', 'WAS-INF-3', 'WAS-IR-1'])];
    const failureButtons = (message: ReturnType<typeof overview>) =>
      Object.fromEntries(
        message.blocks
          .filter((b): b is SectionBlock => b.type === 'section' && b.accessory !== undefined)
          .map((b) => [b.text!.text.match(/`([a-z0-9_]+)`\n/)![1], b.accessory as Button]),
      );

    it('offers the runbook that declares an FTR requirement of the check, else its failing resources', () => {
      const buttons = failureButtons(overview({ runbooks }));
      expect(Object.keys(buttons).sort()).toEqual(['ec2_sg_admin_ports', 'iam_access_key_rotation', 'iam_root_access_keys', 'iam_user_mfa', 's3_bucket_not_public']);
      expect(buttons.s3_bucket_not_public).toMatchObject({ action_id: STATUS_ACTIONS.runbook, value: 's3_bucket_not_public|FTR-10.2', text: { text: ':book: Runbook' } });
      expect(buttons.iam_user_mfa).toMatchObject({ action_id: STATUS_ACTIONS.resources, value: 'iam_user_mfa|FTR-7.1', text: { text: 'Show resources' } });
      // WAS-INF-3 is on the runbook too, but a checklist ref does not make it the runbook for this failure.
      expect(buttons.ec2_sg_admin_ports).toMatchObject({ action_id: STATUS_ACTIONS.resources, value: 'ec2_sg_admin_ports|WAS-INF-3' });
    });

    it('offers only Show resources without runbooks, and in a single section too', () => {
      expect(Object.values(failureButtons(overview())).map((b) => b.action_id)).toEqual(Array(5).fill(STATUS_ACTIONS.resources));
      const section = failureButtons(overview({ section: 'FTR-10', runbooks }));
      expect(Object.keys(section)).toEqual(['s3_bucket_not_public']);
      expect(section.s3_bucket_not_public.action_id).toBe(STATUS_ACTIONS.runbook);
    });

    it('puts no button on other blocks, nor on a failure whose value would not fit', () => {
      const message = overview({ runbooks });
      const withAccessory = message.blocks.filter((b) => b.type === 'section' && b.accessory);
      expect(withAccessory.every((b) => /^:(red|large_\w+)_circle:/.test(texts([b])[0]))).toBe(true);
      const longId = `check_${'x'.repeat(LIMITS.buttonValue)}`;
      const long = statusMessage({ report: report([result({ checkId: longId })]), now: NOW, accountId: ACCOUNT, canRescan: false, checks: [] });
      expect(long.blocks.some((b) => b.type === 'section' && b.accessory)).toBe(false);
      expect(validateMessage(long)).toEqual([]);
    });

    it('names the check and the requirement in a value that reads back', () => {
      expect(parseFailureValue(failureValue({ checkId: 'iam_user_mfa', requirementId: 'FTR-7.1' }))).toEqual({ checkId: 'iam_user_mfa', requirementId: 'FTR-7.1' });
      expect(parseFailureValue(failureValue({ checkId: 'no_refs' }))).toEqual({ checkId: 'no_refs' });
      expect(parseFailureValue('')).toBeUndefined();
      expect(parseFailureValue('a|b|c')).toBeUndefined();
    });

    it('finds runbooks for FTR requirements only', () => {
      expect(runbookForRequirement(runbooks, 'FTR-10.2')?.name).toBe('public-s3-bucket');
      expect(runbookForRequirement(runbooks, 'WAS-IR-1')).toBeUndefined();
      expect(runbookForRequirement(runbooks, 'FTR-7.1')).toBeUndefined();
    });

    it('keeps a large report with a button on every top failure within Slack limits', () => {
      const large = largeReport({ checks: 200, perCheck: 5, nameLength: 500, refs: requirements().all.map((r) => r.id) });
      const everyFtr = [runbook('all', requirements().all.map((r) => r.id))];
      const message = statusMessage({ report: large.report, now: NOW, accountId: ACCOUNT, canRescan: true, checks: large.checks, runbooks: everyFtr });
      expect(message.blocks.filter((b) => b.type === 'section' && b.accessory)).toHaveLength(10);
      expect(validateMessage(message)).toEqual([]);
      for (const section of requirements().sections) {
        expect(validateMessage(statusMessage({ report: large.report, section: section.id, now: NOW, accountId: ACCOUNT, canRescan: true, checks: large.checks, runbooks: everyFtr }))).toEqual([]);
      }
    });
  });

  describe('with a section', () => {
    it.each(['FTR-7', 'ftr-7', '7', 'FTR 7', ' ftr7 '])('accepts %p', (section) => {
      const message = overview({ section });
      expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR-7 · Identity and Access Management');
    });

    it.each(['WAS-IAM', 'was-iam', 'iam'])('accepts the checklist area %p', (section) => {
      expect((overview({ section }).blocks[0] as HeaderBlock).text.text).toBe('WAS-IAM · Identity & Access Management');
    });

    it('leads with the section’s requirements met, then its checks and resources', () => {
      const [first, second] = texts([overview({ section: 'FTR-7' }).blocks[2]])[0].split('\n');
      expect(first).toBe('*1 of 11 requirements met* (2 blocking)');
      expect(second).toBe(':x: *2 checks failing* on 9 resources · :white_check_mark: 2 pass');
      expect(texts([overview({ section: 'FTR-1' }).blocks[2]])[0]).toMatch(/^\*1 of 1 requirement met\*\n/);
    });

    it('shows each requirement of the section and only that section’s failures', () => {
      const message = overview({ section: 'FTR-7' });
      const text = allText(message.blocks);
      expect(text).toContain(':x: *FTR-7.1* MFA for all human identities — 2 fail · 1 pass');
      expect(text).toContain(':x: *FTR-7.2* Rotate credentials regularly — 7 fail');
      expect(text).toContain(':white_check_mark: *FTR-7.3* Strong password policy — 1 pass');
      expect(text).toContain(':grey_question: *FTR-7.4* Individual identities, no shared credentials — not evaluated by this scan');
      expect(text).toContain('*FTR-7.11*');
      expect(text).toContain('`iam_user_mfa`');
      expect(text).not.toContain('iam_root_access_keys');
      expect(text).not.toContain('s3_bucket_not_public');
      expect(message.text).toContain('FTR-7 Identity and Access Management');
      expect(message.blocks.at(-1)?.type).toBe('actions');
      expect(validateMessage(message)).toEqual([]);
    });

    it('says so for an unknown section, with the closest ones', () => {
      const message = overview({ section: 'FTR-71' });
      const text = allText(message.blocks);
      expect(text).toContain('There is no section `FTR-71`. Did you mean FTR-7');
      expect(text).toContain('Sections: FTR-1, FTR-2');
    });

    it('escapes an unknown section typed by a user', () => {
      const message = overview({ section: '<!channel>' });
      expect(message.text).not.toContain('<!channel>');
      expect(allText(message.blocks)).not.toContain('<!channel>');
    });
  });
});

describe('scanProgressMessage', () => {
  it('shows the count, a progress bar and an estimate of the time left', () => {
    const message = scanProgressMessage({
      progress: { done: 40, total: 180, startedAt: new Date(NOW.getTime() - 2 * 60_000) },
      accountId: ACCOUNT,
      now: NOW,
    });
    expect(message.text).toBe(`Scanning ${ACCOUNT}: 40/180 checks`);
    const text = allText(message.blocks);
    expect(text).toContain('`▓▓▓▓░░░░░░░░░░░░░░░░ 22%`');
    expect(text).toContain('Started 2 minutes ago · about 7 minutes left');
    expect(validateMessage(message)).toEqual([]);
  });

  it('copes with an empty or finished scan', () => {
    expect(progressBar(0, 0)).toBe(`${'░'.repeat(20)} 0%`);
    expect(progressBar(180, 180)).toBe(`${'▓'.repeat(20)} 100%`);
    expect(progressBar(200, 180)).toBe(`${'▓'.repeat(20)} 100%`);
  });
});
