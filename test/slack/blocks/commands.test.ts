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
    const many = Array.from({ length: 300 }, (_v, i) => ({ name: `c${i}`, usage: `/ftr c${i} ${'a'.repeat(300)}`, summary: 's'.repeat(500), adminOnly: i % 2 === 0 }));
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
  it('says only admins can, and who to ask', () => {
    const text = allText(refusalMessage({ command: 'scan', admins: ['U0ADMIN1', 'U0ADMIN2', '<!channel>'] }).blocks);
    expect(text).toBe(':lock: Only FTR admins can run `scan`; ask one of <@U0ADMIN1>, <@U0ADMIN2> to run it or to grant you the role.');
  });

  it('points to the configuration when the admins are not known', () => {
    expect(allText(refusalMessage({ command: 'scan' }).blocks)).toContain('ask an FTR admin (see `roles` in the bot configuration)');
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
