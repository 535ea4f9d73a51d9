import type { HeaderBlock } from '@slack/types';
import { errorMessage, helpMessage, refusalMessage, unknownCommandMessage, validateMessage } from '../../../src/slack/blocks';
import { allText, COMMANDS } from './fixtures';


describe('helpMessage', () => {
  it('lists the commands, admin-only ones apart', () => {
    const message = helpMessage(COMMANDS);
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('ftr-bot commands');
    const text = allText(message.blocks);
    expect(text).toContain('`/ftr status [section]` — Readiness per FTR section, with the top failures.');
    expect(text).toContain('`/ftr check &lt;id&gt;` — Every resource');
    expect(text.indexOf('*FTR admins only*')).toBeLessThan(text.indexOf('`/ftr scan`'));
    expect(text.indexOf('`/ftr check')).toBeLessThan(text.indexOf('*FTR admins only*'));
    expect(message.text).toBe('ftr-bot commands: status, check, scan');
    expect(validateMessage(message)).toEqual([]);
  });

  it('stays valid with hundreds of long commands', () => {
    const many = Array.from({ length: 300 }, (_v, i) => ({ name: `c${i}`, usage: `/ftr c${i} ${'a'.repeat(300)}`, summary: 's'.repeat(500), requires: i % 2 === 0 ? ('scan' as const) : ('read' as const) }));
    expect(validateMessage(helpMessage(many))).toEqual([]);
  });
});

describe('unknownCommandMessage', () => {
  it('suggests the closest command and lists them all', () => {
    const message = unknownCommandMessage({ input: 'stauts', closest: 'status', commands: COMMANDS });
    const text = allText(message.blocks);
    expect(text).toContain('There is no command `stauts`. Did you mean `status`?');
    expect(text).toContain('Commands: `status`, `check`, `scan`');
    expect(message.text).toBe('Unknown command stauts');
  });

  it('escapes what the user typed', () => {
    const message = unknownCommandMessage({ input: '<!here> <@U1> @channel', commands: COMMANDS });
    expect(message.text).not.toMatch(/<!here>|<@U1>|@channel/);
    expect(allText(message.blocks)).not.toMatch(/<!here>|<@U1>|@channel/);
    expect(validateMessage(unknownCommandMessage({ input: 'x'.repeat(50_000), commands: COMMANDS }))).toEqual([]);
  });
});

describe('refusalMessage', () => {
  it('says who may, and whom to ask: users and user groups, nothing else', () => {
    const text = allText(refusalMessage({ what: 'run /ftr scan', holders: 'FTR admins', ask: ['U0ADMIN1', 'S0SECOPS1', '<!channel>'], adminsMissing: false }).blocks);
    expect(text).toBe(':lock: Only FTR admins may run /ftr scan; ask one of <@U0ADMIN1>, <!subteam^S0SECOPS1> to do it or to grant you the role.');
  });

  it('points to the configuration when nobody is named to ask', () => {
    expect(allText(refusalMessage({ what: 'acknowledge alerts', holders: 'alert responders', ask: [], adminsMissing: false }).blocks)).toContain(
      'ask one of the alert responders (see `roles` in the bot configuration)',
    );
  });

  it('says how to name admins when none are configured', () => {
    const text = allText(refusalMessage({ what: 'run /ftr scan', holders: 'FTR admins', ask: [], adminsMissing: true }).blocks);
    expect(text).toMatch(/No FTR admins are configured, so nobody may run \/ftr scan on demand \(scheduled scans still run\)/);
    expect(text).toContain('`roles.admins`');
    expect(text).toContain('`roles.allowEveryone: true`');
  });
});

describe('errorMessage', () => {
  it('says what failed and why, escaped', () => {
    const message = errorMessage({ what: 'run the scan', reason: 'AccessDenied: <!channel> *not* allowed' });
    expect(allText(message.blocks)).toBe(':warning: *Could not run the scan*\nAccessDenied: &lt;!channel&gt; ∗not∗ allowed');
    expect(message.text).toBe('Could not run the scan');
    expect(validateMessage(errorMessage({ what: 'w'.repeat(5000), reason: 'r'.repeat(50_000) }))).toEqual([]);
  });
});
