import type { ActionsBlock, Button, HeaderBlock } from '@slack/types';
import { checkResultsMessage, validateMessage, type SlackMessage } from '../../../src/slack/blocks';
import {
  CHECK_PAGE_ACTIONS,
  CHECK_PAGE_SIZE,
  checkPageValue,
  checkQueryResults,
  parseCheckPageRef,
  resolveCheckQuery,
  unknownCheckQueryMessage,
} from '../../../src/slack/blocks/results';
import type { CheckResult } from '../../../src/core/types';
import { ACCOUNT, allText, check, GENERATED_AT, largeReport, NOW, report, result, userArn } from './fixtures';

const checks = [
  check({ id: 'iam_user_mfa', refs: ['FTR-7.1'], severity: 'high', title: 'Console users have MFA', remediation: 'Enable MFA with `aws iam enable-mfa-device`.' }),
  check({ id: 'iam_password_policy_strong', refs: ['FTR-7.3'], severity: 'medium', title: 'Password policy is strong' }),
  check({ id: 'iam_root_mfa', refs: ['FTR-3.3'], severity: 'critical', title: 'Root has MFA' }),
];

const scan = report([
  result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn('carol'), status: 'PASS', message: 'carol has MFA.' }),
  result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn('alice'), message: 'alice signs in to the console without MFA <!here>.', remediation: checks[0].remediation }),
  result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn('bob'), status: 'ERROR', message: 'Could not read bob: AccessDenied.' }),
  result({ checkId: 'iam_password_policy_strong', refs: ['FTR-7.3'], status: 'PASS', message: 'Strong.' }),
  result({ checkId: 'iam_root_mfa', refs: ['FTR-3.3'], severity: 'critical', resource: `arn:aws:iam::${ACCOUNT}:root`, message: 'Root has no MFA.' }),
]);

const run = (query: string) => checkResultsMessage({ report: scan, query, now: NOW, checks });

const buttonsOf = (message: SlackMessage): Button[] =>
  message.blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);
const button = (message: SlackMessage, actionId: string) => buttonsOf(message).find((b) => b.action_id === actionId);
/** The resources a page lists, in order (`user/…` of the user ARNs). */
const listed = (message: SlackMessage) => [...allText(message.blocks).matchAll(/^:[a-z_]+: `user\/([^`]+)`/gm)].map((m) => m[1]);

describe('checkResultsMessage', () => {
  it('shows every resource of a check, those needing action first, with the fix', () => {
    const message = run('iam_user_mfa');
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('Console users have MFA');
    const text = allText(message.blocks);
    expect(text).toContain('`iam_user_mfa` · :large_orange_circle: high · FTR-7.1 · gathered');
    expect(text).toContain('(12 minutes ago)');
    expect(text).toContain('*Console users have MFA* · `iam_user_mfa` · :large_orange_circle: high · FTR-7.1 — 1 fail · 1 error · 1 pass');
    const lines = text.split('\n');
    const bob = lines.findIndex((l) => l.startsWith(':warning: `user/bob`'));
    const alice = lines.findIndex((l) => l.startsWith(':x: `user/alice`'));
    const carol = lines.findIndex((l) => l.startsWith(':white_check_mark: `user/carol`'));
    expect([bob, alice, carol].every((i) => i > 0)).toBe(true);
    expect(bob).toBeLessThan(alice);
    expect(alice).toBeLessThan(carol);
    expect(lines[alice]).toBe(':x: `user/alice` — alice signs in to the console without MFA &lt;!here&gt;.');
    expect(text).toContain(':wrench: *Fix:* Enable MFA with `aws iam enable-mfa-device`.');
    expect(text).toContain('Page 1 of 1');
    expect(message.text).toBe('Console users have MFA: 1 fail · 1 error · 1 pass (page 1 of 1)');
  });

  it('matches check ids, requirement IDs and sections case-insensitively', () => {
    expect((run('IAM_USER_MFA').blocks[0] as HeaderBlock).text.text).toBe('Console users have MFA');
    expect((run('ftr-7.1').blocks[0] as HeaderBlock).text.text).toBe('FTR-7.1 · MFA for all human identities');
    expect((run('ftr-7').blocks[0] as HeaderBlock).text.text).toBe('FTR-7 · Identity and Access Management');
    expect((run('WAS-IAM').blocks[0] as HeaderBlock).text.text).toBe('WAS-IAM · Identity & Access Management');
  });

  it('orders the checks of a section by severity', () => {
    const text = allText(run('FTR-7').blocks);
    expect(text.indexOf('`iam_user_mfa`')).toBeLessThan(text.indexOf('`iam_password_policy_strong`'));
    expect(text).not.toContain('iam_root_mfa');
  });

  it('says when a known requirement has no results, without buttons', () => {
    const message = run('FTR-9.1');
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR-9.1 · RPO defined');
    expect(allText(message.blocks)).toContain('No results in this scan.');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('answers an unknown query with the closest matches', () => {
    const text = allText(run('iam_user_mfaa').blocks);
    expect(text).toContain('No requirement, section or check is called `iam_user_mfaa`.');
    expect(text).toContain('Closest: `iam_user_mfa`');
    expect(allText(run('FTR-7.99').blocks)).toContain('No requirement, section or check is called `FTR-7.99`.');
  });

  it('escapes an unknown query', () => {
    const message = run('<!channel> *x*');
    expect(message.text).toBe('Nothing matches &lt;!channel&gt; ∗x∗');
    expect(allText(message.blocks)).toContain('`&lt;!channel&gt; *x*`');
  });
});

describe('resolveCheckQuery', () => {
  it('names a check, a requirement or a section by its canonical id, without a report', () => {
    expect(resolveCheckQuery(' IAM_User_MFA ', checks)).toEqual({ kind: 'check', id: 'iam_user_mfa' });
    expect(resolveCheckQuery('ftr-7.1', checks)).toEqual({ kind: 'requirement', id: 'FTR-7.1' });
    expect(resolveCheckQuery('ftr 7', checks)).toEqual({ kind: 'section', id: 'FTR-7' });
    expect(resolveCheckQuery('iam', checks)).toEqual({ kind: 'section', id: 'WAS-IAM' });
  });

  it('names nothing for unknown ids, unknown requirement IDs of a known section, empty and over-long text', () => {
    for (const query of ['bogus', 'FTR-7.99', '', '   ', `iam_user_mfa${' '.repeat(300)}x`]) expect(resolveCheckQuery(query, checks)).toBeUndefined();
    expect(resolveCheckQuery('x'.repeat(201), [...checks, check({ id: 'x'.repeat(201) })])).toBeUndefined();
  });

  it('the private answer names the closest requirement IDs, sections and check ids', () => {
    expect(allText(unknownCheckQueryMessage('FTR-77', checks).blocks)).toMatch(/Closest: `FTR-7`/);
    expect(allText(unknownCheckQueryMessage('iam_root_mfx', checks).blocks)).toContain('Closest: `iam_root_mfa`');
  });
});

describe('page references', () => {
  it('round-trip, read from the right so a query may hold a bar', () => {
    const ref = { query: 'odd|check', page: 3, generatedAt: GENERATED_AT };
    expect(parseCheckPageRef(checkPageValue(ref))).toEqual(ref);
  });

  it('malformed values give nothing, a malformed page gives the first', () => {
    expect(parseCheckPageRef('')).toBeUndefined();
    expect(parseCheckPageRef('FTR-7|2')).toBeUndefined();
    expect(parseCheckPageRef(`|2|${GENERATED_AT}`)).toBeUndefined();
    expect(parseCheckPageRef(`FTR-7|two|${GENERATED_AT}`)).toEqual({ query: 'FTR-7', page: 1, generatedAt: GENERATED_AT });
  });
});

describe('pages', () => {
  // 45 failing users, 2 errors and 8 passing users of one check, plus 5 failing of a more severe one.
  const results: CheckResult[] = [
    ...Array.from({ length: 8 }, (_v, i) => result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn(`pass-${i}`), status: 'PASS' })),
    ...Array.from({ length: 45 }, (_v, i) => result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn(`fail-${String(i).padStart(2, '0')}`) })),
    ...Array.from({ length: 2 }, (_v, i) => result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn(`error-${i}`), status: 'ERROR' })),
    ...Array.from({ length: 5 }, (_v, i) => result({ checkId: 'iam_root_mfa_other', refs: ['FTR-7.1'], severity: 'critical', resource: userArn(`root-${i}`) })),
  ];
  const paged = report(results);
  const page = (n: number, shownGeneratedAt?: string) => checkResultsMessage({ report: paged, query: 'ftr-7.1', now: NOW, checks, page: n, shownGeneratedAt });

  it('lists CHECK_PAGE_SIZE results a page, every result once, those needing action first', () => {
    const pages = [1, 2, 3].map((n) => page(n));
    expect(pages.map((p) => listed(p).length)).toEqual([CHECK_PAGE_SIZE, CHECK_PAGE_SIZE, 60 - 2 * CHECK_PAGE_SIZE]);
    const all = pages.flatMap(listed);
    expect(new Set(all).size).toBe(60);
    // The critical check first, then the high one's errors and failures, passing users last.
    expect(all.slice(0, 7)).toEqual(['root-0', 'root-1', 'root-2', 'root-3', 'root-4', 'error-0', 'error-1']);
    expect(all.slice(7, 52).every((name) => name.startsWith('fail-'))).toBe(true);
    expect(all.slice(52).every((name) => name.startsWith('pass-'))).toBe(true);
    expect(allText(pages[1].blocks)).toContain('*50 fail · 2 error · 8 pass* · results 21–40 of 60, those needing action first');
    expect(allText(pages[1].blocks)).toContain('Page 2 of 3');
  });

  it('each check on a page has its headline with its counts over every page', () => {
    const text = allText(page(2).blocks);
    expect(text).toContain('*Console users have MFA* · `iam_user_mfa` · :large_orange_circle: high · FTR-7.1 — 45 fail · 2 error · 8 pass');
    expect(text).not.toContain('iam_root_mfa_other');
    expect(text).toContain(':wrench: *Fix:* Fix iamˍuserˍmfa.');
    expect(allText(page(3).blocks)).not.toContain('error-');
  });

  it('offers Previous and Next where there is a page, and Download CSV always; values carry query, page and report', () => {
    expect(buttonsOf(page(1)).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.next, CHECK_PAGE_ACTIONS.csv]);
    expect(buttonsOf(page(2)).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.previous, CHECK_PAGE_ACTIONS.next, CHECK_PAGE_ACTIONS.csv]);
    expect(buttonsOf(page(3)).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.previous, CHECK_PAGE_ACTIONS.csv]);
    const second = page(2);
    expect(parseCheckPageRef(button(second, CHECK_PAGE_ACTIONS.previous)!.value!)).toEqual({ query: 'FTR-7.1', page: 1, generatedAt: GENERATED_AT });
    expect(parseCheckPageRef(button(second, CHECK_PAGE_ACTIONS.next)!.value!)).toEqual({ query: 'FTR-7.1', page: 3, generatedAt: GENERATED_AT });
    expect(parseCheckPageRef(button(second, CHECK_PAGE_ACTIONS.csv)!.value!)).toEqual({ query: 'FTR-7.1', page: 2, generatedAt: GENERATED_AT });
  });

  it('clamps the page asked for to the pages there are', () => {
    expect(listed(page(9999))).toEqual(listed(page(3)));
    expect(allText(page(9999).blocks)).toContain('Page 3 of 3');
    for (const n of [0, -4, Number.NaN, 1.7]) expect(listed(page(n))).toEqual(listed(page(1)));
  });

  it('says so when the page shown came from an older report', () => {
    expect(allText(page(2, '2024-04-30T10:00:00.000Z').blocks)).toContain('A newer scan finished since this page was shown');
    expect(allText(page(2, GENERATED_AT).blocks)).not.toContain('newer scan');
    expect(allText(page(2).blocks)).not.toContain('newer scan');
  });
});

describe('checkQueryResults', () => {
  it('is every result for the query, in page order', () => {
    expect(checkQueryResults(scan, { kind: 'requirement', id: 'FTR-7.1' }).map((r) => r.resource)).toEqual([userArn('bob'), userArn('alice'), userArn('carol')]);
    expect(checkQueryResults(scan, { kind: 'section', id: 'FTR-7' })).toHaveLength(4);
    expect(checkQueryResults(scan, { kind: 'check', id: 'iam_root_mfa' })).toHaveLength(1);
  });
});

describe('every page stays within Slack limits, whatever the size', () => {
  const hostile = (i: number): CheckResult =>
    result({
      checkId: `check_${i}_${'&'.repeat(300)}`,
      refs: ['FTR-7.1', ...Array.from({ length: 50 }, () => 'WAS-IAM-1')],
      severity: 'high',
      status: i % 7 === 0 ? 'PASS' : 'FAIL',
      region: `<region>${'&'.repeat(300)}`,
      resource: `${'<'.repeat(300)}-${i}`,
      message: `${'<!channel> &'.repeat(400)} ${i}`,
      remediation: `${'**<&>** `a&b` '.repeat(300)}`,
    });
  // 10,000 results, each from its own check (a headline and a fix per result), every field long and full of characters to escape.
  const worst = report(Array.from({ length: 10_000 }, (_v, i) => hostile(i)));
  const lastPage = 10_000 / CHECK_PAGE_SIZE;

  it.each([1, 2, 250, lastPage - 1, lastPage])('page %i of 10,000 hostile results', (n) => {
    const message = checkResultsMessage({ report: worst, query: 'FTR-7.1', now: NOW, checks, page: n, shownGeneratedAt: 'older' });
    expect(validateMessage(message)).toEqual([]);
    expect(message.thread).toBeUndefined();
    expect(allText(message.blocks)).toContain(`Page ${n.toLocaleString('en-US')} of 500`);
    expect(allText(message.blocks)).not.toMatch(/<!channel>|<region>/);
    for (const b of buttonsOf(message)) expect(b.value!.length).toBeLessThanOrEqual(2000);
  });

  it.each(['FTR-7', 'FTR-7.1', 'WAS-IAM', 'check_000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'])('every page of a large report for %s', (query) => {
    const large = largeReport({ checks: 200, perCheck: 10, nameLength: 500, refs: ['FTR-7.1', 'FTR-7.2', 'WAS-IAM-1', 'FTR-3.3'] });
    const first = checkResultsMessage({ report: large.report, query, now: NOW, checks: large.checks });
    const pages = Number(allText(first.blocks).match(/Page 1 of ([\d,]+)/)![1].replace(/,/g, ''));
    for (let n = 1; n <= pages; n += 1) {
      expect(validateMessage(checkResultsMessage({ report: large.report, query, now: NOW, checks: large.checks, page: n }))).toEqual([]);
    }
  });
});
