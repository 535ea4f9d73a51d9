import { blockKitViolations, SLACK_TIER_PER_MINUTE, SlackApiStandIn } from '../support/slackApi';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (text: string, value = 'v', action_id = 'a') => ({ type: 'button', text: { type: 'plain_text', text }, value, action_id });

describe('the stand-in validates Block Kit on its own', () => {
  test.each([
    ['51 blocks in a message', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'message', /51 blocks, more than 50/],
    ['a header over 150 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], 'message', /more than 150/],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'message', /must be plain_text/],
    ['section text over 3000 characters', [section('s'.repeat(3001))], 'message', /more than 3000/],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], 'message', /1-10 items/],
    ['a field over 2000 characters', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], 'message', /more than 2000/],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }], 'message', /1-10 items/],
    ['button text over 75 characters', [{ type: 'actions', elements: [button('b'.repeat(76))] }], 'message', /more than 75/],
    ['a button value over 2000 characters', [{ type: 'actions', elements: [button('b', 'v'.repeat(2001))] }], 'message', /value: more than 2000/],
    ['an action_id over 255 characters', [{ type: 'actions', elements: [button('b', 'v', 'a'.repeat(256))] }], 'message', /action_id: must be 1-255/],
    ['an empty text', [section('')], 'message', /non-empty/],
    ['an unknown block type', [{ type: 'carousel' }], 'message', /unsupported block type/],
    ['101 blocks in a view', Array.from({ length: 101 }, () => ({ type: 'divider' })), 'view', /101 blocks, more than 100/],
  ])('%s', (_what, blocks, surface, violation) => {
    expect(blockKitViolations(blocks, surface as 'message' | 'view')).toEqual(expect.arrayContaining([expect.stringMatching(violation)]));
  });

  test('valid payloads at the limits pass', () => {
    expect(blockKitViolations(Array.from({ length: 50 }, () => section('s'.repeat(3000))), 'message')).toEqual([]);
    expect(blockKitViolations(Array.from({ length: 100 }, () => ({ type: 'divider' })), 'view')).toEqual([]);
    expect(blockKitViolations([{ type: 'actions', elements: [button('b'.repeat(75), 'v'.repeat(2000))] }], 'message')).toEqual([]);
  });
});

describe('the stand-in answers as Slack does', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: 'xoxb-good' });
  });
  afterAll(() => api.close());

  const call = async (method: string, args: Record<string, unknown>, token = 'xoxb-good') => {
    const res = await fetch(`${api.url}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
  };

  test('a wrong token is invalid_auth; an invalid payload is invalid_blocks; a channel without the bot is not_in_channel', async () => {
    expect((await call('chat.postMessage', { channel: 'C1', text: 't' }, 'xoxb-bad')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await call('chat.postMessage', { channel: 'C1', text: 't', blocks: [section('')] })).body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    api.notInChannel.add('C2');
    expect((await call('chat.postMessage', { channel: 'C2', text: 't' })).body).toEqual({ ok: false, error: 'not_in_channel' });
    const posted = await call('chat.postMessage', { channel: 'C1', text: 't', blocks: [section('ok')] });
    expect(posted.body).toMatchObject({ ok: true, channel: 'C1' });
    expect((await call('chat.update', { channel: 'C1', ts: posted.body.ts, text: 'u' })).body).toMatchObject({ ok: true });
    expect((await call('chat.update', { channel: 'C1', ts: '1.2', text: 'u' })).body).toEqual({ ok: false, error: 'message_not_found' });
  });

  test('chat.postEphemeral answers a message_ts and is recorded, not stored in the channel', async () => {
    const answer = await call('chat.postEphemeral', { channel: 'C9', user: 'U1', text: 'only you', blocks: [section('only you')] });
    expect(answer.body).toEqual({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(api.callsTo('chat.postEphemeral')).toEqual([expect.objectContaining({ outcome: 'ok', args: expect.objectContaining({ user: 'U1' }) })]);
    expect(api.messages.has('C9')).toBe(false);
    expect((await call('chat.postEphemeral', { channel: 'C9', user: 'U1', text: 't', blocks: [section('')] })).body).toMatchObject({ error: 'invalid_blocks' });
  });

  test('rate limiting answers HTTP 429 with Retry-After: 1', async () => {
    api.rateLimit('chat.postMessage');
    expect(await call('chat.postMessage', { channel: 'C1', text: 't' })).toMatchObject({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect((await call('chat.postMessage', { channel: 'C1', text: 't' })).status).toBe(200);
  });
});

describe('the stand-in rate-limits as Slack documents it, when asked to', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: 'xoxb-good' });
  });
  afterEach(() => api.reset());
  afterAll(() => api.close());

  const post = async (method: string, args: Record<string, unknown>) => {
    const res = await fetch(`${api.url}${method}`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
  };
  const message = (channel: string, extra: Record<string, unknown> = {}) => post('chat.postMessage', { channel, text: 't', ...extra });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('by default there are no limits', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => message('C1')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(api.peakPostsPerSecond('C1')).toBe(20);
  });

  test('posts to one channel beyond the burst are ratelimited with Retry-After in whole seconds; other channels are not', async () => {
    api.limitChannelPosts({ perSecond: 1, burst: 2 });
    const first = await message('C1');
    // A thread reply counts against its channel too.
    expect((await message('C1', { thread_ts: first.body.ts })).status).toBe(200);
    expect(await message('C1')).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect((await message('C2')).status).toBe(200);
    expect(api.callsTo('chat.postMessage').map((c) => `${c.args.channel} ${c.outcome}`)).toEqual(['C1 ok', 'C1 ok', 'C1 ratelimited', 'C2 ok']);
    expect(api.messages.get('C1')?.size).toBe(2);
  });

  test('Retry-After rounds the wait up to whole seconds, and the allowance refills', async () => {
    api.limitChannelPosts({ perSecond: 0.25, burst: 1 });
    expect((await message('C1')).status).toBe(200);
    expect((await message('C1')).retryAfter).toBe('4');
    api.limitChannelPosts({ perSecond: 20, burst: 1 });
    expect((await message('C3')).status).toBe(200);
    await sleep(60);
    expect((await message('C3')).status).toBe(200);
  });

  test('a method can be held to its tier without limiting other methods', async () => {
    api.limitMethod('chat.update', { perMinute: SLACK_TIER_PER_MINUTE[3], burst: 1 });
    const posted = await message('C1');
    const update = () => post('chat.update', { channel: 'C1', ts: posted.body.ts, text: 'u' });
    expect((await update()).status).toBe(200);
    // 50 a minute is one every 1.2 s.
    expect(await update()).toMatchObject({ status: 429, retryAfter: '2', body: { ok: false, error: 'ratelimited' } });
    expect((await message('C1')).status).toBe(200);
    expect(api.callsTo('chat.update').map((c) => c.outcome)).toEqual(['ok', 'ratelimited']);
  });

  test('peakPostsPerSecond counts successful posts in a sliding one-second window; topLevelMessages leaves out thread replies', async () => {
    api.limitChannelPosts({ perSecond: 1, burst: 3 });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await message('C1', i === 1 ? { thread_ts: '1.000001' } : {}));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(api.peakPostsPerSecond('C1')).toBe(3);
    expect(api.peakPostsPerSecond('C2')).toBe(0);
    expect(api.topLevelMessages('C1').map((m) => m.ts)).toEqual([answers[0].body.ts, answers[2].body.ts]);
    expect(api.topLevelMessages('C1')[0].postedAt).toBe(api.callsTo('chat.postMessage')[0].at);
  });

  test('reset switches the limits off', async () => {
    api.limitChannelPosts({ burst: 1 });
    api.limitMethod('chat.postMessage', { perMinute: 1 });
    await message('C1');
    api.reset();
    expect((await Promise.all([message('C1'), message('C1')])).map((a) => a.status)).toEqual([200, 200]);
  });
});
