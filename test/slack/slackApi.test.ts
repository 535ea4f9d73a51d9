import { blockKitViolations, SlackApiStandIn } from '../support/slackApi';

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

  test('rate limiting answers HTTP 429 with Retry-After: 1', async () => {
    api.rateLimit('chat.postMessage');
    expect(await call('chat.postMessage', { channel: 'C1', text: 't' })).toMatchObject({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect((await call('chat.postMessage', { channel: 'C1', text: 't' })).status).toBe(200);
  });
});
