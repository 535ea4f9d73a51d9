import type { ActionsBlock, HeaderBlock } from '@slack/types';
import { homeView, validateBlocks } from '../../../src/slack/blocks';
import { ACCOUNT, allText, check, COMMANDS, NOW, report, result } from './fixtures';

const checks = [check({ id: 'iam_user_mfa', title: 'Console users have MFA', severity: 'high' })];
const scan = report([result({ checkId: 'iam_user_mfa', severity: 'high' }), result({ checkId: 'iam_password_policy_strong', refs: ['FTR-7.3'], status: 'PASS' })]);
const running = { done: 10, total: 100, startedAt: new Date(NOW.getTime() - 60_000) };

describe('homeView', () => {
  it('shows the latest posture with Re-scan for an admin', () => {
    const view = homeView({ report: scan, accountId: ACCOUNT, now: NOW, isAdmin: true, commands: COMMANDS, checks });
    expect(view.type).toBe('home');
    expect((view.blocks[0] as HeaderBlock).text.text).toBe(`FTR readiness · ${ACCOUNT}`);
    const text = allText(view.blocks);
    expect(text).toContain('*Console users have MFA* · FTR-7.1');
    expect(text).toContain('(12 minutes ago)');
    expect(text).toContain('`/ftr scan` — Scan the account now.');
    const rescan = view.blocks.find((b) => b.type === 'actions') as ActionsBlock;
    expect(rescan.elements[0]).toMatchObject({ action_id: 'ftr_rescan', value: ACCOUNT });
    expect(validateBlocks(view.blocks, 'home')).toEqual([]);
  });

  it('hides Re-scan and admin commands from others', () => {
    const view = homeView({ report: scan, now: NOW, isAdmin: false, commands: COMMANDS, checks });
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(allText(view.blocks)).not.toContain('/ftr scan`');
    expect(allText(view.blocks)).toContain(`Account \`${ACCOUNT}\``);
  });

  it('shows a running scan under the header, without Re-scan', () => {
    const view = homeView({ report: scan, running, accountId: ACCOUNT, now: NOW, isAdmin: true, commands: COMMANDS, checks });
    const text = allText(view.blocks);
    expect(allText([view.blocks[2]])).toBe(`:hourglass_flowing_sand: *Scan in progress* for \`${ACCOUNT}\`: 10/100 checks`);
    expect(text).toContain('10%');
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('invites an admin to scan when there is no report yet', () => {
    const view = homeView({ accountId: ACCOUNT, now: NOW, isAdmin: true, commands: [] });
    expect(allText(view.blocks)).toContain('No scan yet.');
    expect((view.blocks.at(-1) as ActionsBlock).elements[0]).toMatchObject({ action_id: 'ftr_rescan', value: ACCOUNT });
    const first = homeView({ running, now: NOW, isAdmin: false, commands: [] });
    expect(allText(first.blocks)).toContain('The first scan is running');
  });
});
