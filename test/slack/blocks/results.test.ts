import type { HeaderBlock } from '@slack/types';
import { checkResultsMessage, validateMessage } from '../../../src/slack/blocks';
import { ACCOUNT, allText, check, NOW, report, result, userArn } from './fixtures';

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

describe('checkResultsMessage', () => {
  it('shows every resource of a check, failing ones first, with the fix', () => {
    const message = run('iam_user_mfa');
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('Console users have MFA');
    const text = allText(message.blocks);
    expect(text).toContain('`iam_user_mfa` · :large_orange_circle: high · FTR-7.1 · gathered');
    expect(text).toContain('(12 minutes ago)');
    expect(text).toContain('*Console users have MFA* · `iam_user_mfa` · :large_orange_circle: high · FTR-7.1 — 1 fail · 1 error · 1 pass');
    const lines = text.split('\n');
    const bob = lines.findIndex((l) => l.startsWith(':warning: `user/bob`'));
    const alice = lines.findIndex((l) => l.startsWith(':x: `user/alice`'));
    const carol = lines.findIndex((l) => l.startsWith(':white_check_mark: 1 pass: `user/carol`'));
    expect([bob, alice, carol].every((i) => i > 0)).toBe(true);
    expect(bob).toBeLessThan(alice);
    expect(alice).toBeLessThan(carol);
    expect(lines[alice]).toBe(':x: `user/alice` — alice signs in to the console without MFA &lt;!here&gt;.');
    expect(text).toContain(':wrench: *Fix:* Enable MFA with `aws iam enable-mfa-device`.');
    expect(message.text).toBe('Console users have MFA: 1 fail · 1 error · 1 pass');
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

  it('says when a known requirement has no results', () => {
    const message = run('FTR-9.1');
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR-9.1 · RPO defined');
    expect(allText(message.blocks)).toContain('No results in this scan.');
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

  it('summarises thousands of results', () => {
    const many = report(
      Array.from({ length: 5000 }, (_v, i) =>
        result({ checkId: 'iam_user_mfa', severity: 'high', resource: userArn(`user-${i}-${'n'.repeat(500)}`), status: i % 2 ? 'PASS' : 'FAIL' }),
      ),
    );
    const message = checkResultsMessage({ report: many, query: 'iam_user_mfa', now: NOW, checks });
    expect(validateMessage(message)).toEqual([]);
    const text = allText(message.blocks);
    expect(text).toContain('… and 2,485 more resources (2,500 fail in all)');
    expect(text).toContain(':white_check_mark: 2,500 pass: ');
    expect(text).toContain('and 2,497 more');
  });
});
