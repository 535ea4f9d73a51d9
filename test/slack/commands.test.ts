import { slashCommands } from '../../commands';
import type { SlashCommand } from '../../src/slack/command';
import { BOT_TOKEN, READER, SIGNING_SECRET, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { ACCOUNT, smallReport } from './fixtures';

let h: SlackHarness;
let scanner: ReturnType<typeof scriptedScanner>;

beforeEach(async () => {
  scanner = scriptedScanner({ report: () => smallReport() });
  h = await startSlackHarness({ scanner });
  h.api.reset();
});
afterEach(() => h.stop());

const firstReply = () => h.api.waitFor(() => h.api.responseUrlPosts[0], 5000, 'a response_url post');
const firstPost = () => h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'a chat.postMessage');

test('/ftr help lists the commands privately; admin-only ones apart', async () => {
  const ack = await h.command('help', { userId: READER });
  expect(ack).toMatchObject({ status: 200, text: '' });
  const reply = await firstReply();
  expect(reply.body.response_type).toBe('ephemeral');
  const text = JSON.stringify(reply.body.blocks);
  for (const name of ['status', 'check', 'explain', 'runbook', 'help', 'scan']) expect(text).toContain(`/ftr ${name}`);
  expect(text).toContain('FTR admins only');
  expect(h.api.calls).toEqual([]);
});

test('/ftr with no subcommand answers with help', async () => {
  await h.command('');
  expect((await firstReply()).body.text).toMatch(/^ftr-bot commands/);
});

test('an unknown subcommand gets a short help naming the closest command', async () => {
  await h.command('stauts FTR-7');
  const reply = await firstReply();
  expect(reply.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(reply.body.blocks)).toMatch(/Did you mean `status`\?/);
});

test('/ftr explain FTR-7.1 posts what the requirement asks and how it is checked', async () => {
  await h.command('explain ftr-7.1');
  const post = await firstPost();
  expect(post.args.channel).toBe('C0GENERAL');
  expect(post.args.text).toMatch(/^FTR-7\.1/);
  expect(JSON.stringify(post.args.blocks)).toContain('How ftr-bot checks it');
  expect(h.api.allViolations()).toEqual([]);
});

test('/ftr explain with an unknown ID says so privately with the closest IDs', async () => {
  await h.command('explain FTR-7.99');
  const reply = await firstReply();
  expect(reply.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(reply.body.blocks)).toMatch(/Did you mean FTR-7\.\d/);
  expect(h.api.callsTo('chat.postMessage')).toEqual([]);
});

test('/ftr runbook lists the runbooks; /ftr runbook <name> shows one; a typo gets the closest name', async () => {
  await h.command('runbook');
  expect((await firstPost()).args.text).toMatch(/incident runbooks$/);
  await h.command('runbook exposed-access-key');
  const one = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[1], 5000, 'the runbook');
  expect(one.args.text).toMatch(/^Runbook: /);
  await h.command('runbook exposed-acess-key', { responseId: 'typo' });
  const reply = await firstReply();
  expect(JSON.stringify(reply.body.blocks)).toContain('exposed-access-key');
  expect(h.api.allViolations()).toEqual([]);
});

test('/ftr check before any scan says so privately', async () => {
  await h.command('check FTR-7.1');
  const reply = await firstReply();
  expect(reply.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(reply.body.blocks)).toMatch(/No scan has finished yet/);
});

test('/ftr check FTR-7.1 shows the per-resource results of the latest scan', async () => {
  await h.store.saveScan(ACCOUNT, smallReport());
  await h.command('check FTR-7.1');
  const post = await firstPost();
  expect(JSON.stringify(post.args.blocks)).toContain('user/alice');
});

describe('a message with a thread continuation', () => {
  const long: SlashCommand = {
    name: 'long',
    usage: '/ftr long',
    summary: 'Posts a message continued in its thread.',
    requires: 'read' as const,
    run: (ctx) =>
      ctx.conversation.post({
        text: 'Head',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'head' } }],
        thread: [1, 2].map((n) => ({ text: `Part ${n}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `part ${n}` } }] })),
      }).then(() => undefined),
  };

  beforeEach(async () => {
    await h.stop();
    h = await startSlackHarness({ scanner, commands: [...slashCommands, long] });
  });

  test('is posted, then its continuation as replies in its thread, in order', async () => {
    await h.command('long');
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 3, 5000, 'three posts');
    const [head, ...replies] = h.api.callsTo('chat.postMessage');
    const headTs = [...h.api.messages.get('C0GENERAL')!.values()].find((m) => m.text === 'Head')!.ts;
    expect(head.args.thread_ts).toBeUndefined();
    expect(replies.map((r) => [r.args.text, r.args.thread_ts])).toEqual([
      ['Part 1', headTs],
      ['Part 2', headTs],
    ]);
  });

  test('through a response_url (bot not in the channel), the continuation follows as further messages', async () => {
    h.api.notInChannel.add('C0ELSEWHERE');
    await h.command('long', { channelId: 'C0ELSEWHERE' });
    await h.api.waitFor(() => h.api.responseUrlPosts.length === 3, 5000, 'three response_url posts');
    expect(h.api.responseUrlPosts.map((p) => [p.body.text, p.body.response_type, p.body.replace_original])).toEqual([
      ['Head', 'in_channel', false],
      ['Part 1', 'in_channel', false],
      ['Part 2', 'in_channel', false],
    ]);
  });
});

test('mentions and broadcasts typed as arguments never reach Slack live', async () => {
  await h.store.saveScan(ACCOUNT, smallReport());
  const hostile = '<!channel> <@U123> <!here> @everyone <https://evil.example|click>';
  await h.command(`check ${hostile}`, { responseId: 'check' });
  await h.command(`explain ${hostile}`, { responseId: 'explain' });
  await h.command(`runbook ${hostile}`, { responseId: 'runbook' });
  await h.command(`status ${hostile}`, { responseId: 'status' });
  await h.command(hostile, { responseId: 'unknown' });
  await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length + h.api.responseUrlPosts.length >= 5, 5000, 'five answers');
  await new Promise((r) => setTimeout(r, 200));
  const everything = JSON.stringify([h.api.calls.map((c) => c.args), h.api.responseUrlPosts.map((p) => p.body)]);
  for (const live of ['<!channel>', '<@U123>', '<!here>', '<https://evil.example', '@everyone']) expect(everything).not.toContain(live);
  // The arguments are still shown, escaped.
  expect(everything).toContain('&lt;@U123&gt;');
});

test('a rate-limited post waits for Retry-After and is sent once', async () => {
  h.api.rateLimit('chat.postMessage', 1);
  await h.command('explain FTR-7.1');
  await h.api.waitFor(() => h.api.callsTo('chat.postMessage').some((c) => c.outcome === 'ok'), 10_000, 'the retried post');
  const [limited, retried, ...more] = h.api.callsTo('chat.postMessage');
  expect(limited.outcome).toBe('ratelimited');
  expect(retried.outcome).toBe('ok');
  expect(more).toEqual([]);
  expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
  expect(h.api.messages.get('C0GENERAL')!.size).toBe(1);
});

test('every Web API call carries the bot token, and no secret reaches the logs', async () => {
  await h.command('explain FTR-7.1');
  await h.command('explain xoxb-9999-leaked-token-in-text');
  await h.api.waitFor(() => h.api.calls.length > 0 && h.api.responseUrlPosts.length > 0, 5000, 'the answers');
  expect(h.api.calls.every((c) => c.token === BOT_TOKEN)).toBe(true);
  const logs = h.logs.join('\n');
  expect(logs.length).toBeGreaterThan(0);
  expect(logs).not.toContain(BOT_TOKEN);
  expect(logs).not.toContain(SIGNING_SECRET);
  expect(logs).not.toContain('xoxb-9999');
});
