import { webApi } from '@slack/bolt';
import { WebClient as WebClientV7 } from '@slack/web-api';
import { webClientOptions } from '../../src/slack/webClient';
import { SLACK_METHOD_TIER, SLACK_TIER_PER_MINUTE, SlackApiStandIn } from '../support/slackApi';

const TOKEN = 'xoxb-1-2-files';
const CHANNEL = 'C0FILES';

// A PNG signature, then every byte value and the sequences a multipart parser could trip on.
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n--boundary\r\n\r\n--', 'latin1'),
  Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)),
]);

// The SDK logs Slack's `[ERROR]` response messages; the tests assert the errors themselves.
const quiet: webApi.Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

let api: SlackApiStandIn;
beforeAll(async () => {
  api = await SlackApiStandIn.start({ token: TOKEN });
});
afterEach(() => api.reset());
afterAll(() => api.close());

/** The Web API client as the app builds it (Bolt's), failing at once instead of retrying. */
const appClient = (token = TOKEN) =>
  new webApi.WebClient(token, { ...webClientOptions({ apiUrl: api.url }), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });

/** What Slack answered to a failed call. */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ error: 'none: the call succeeded' }),
    (err: { data?: { error?: string; response_metadata?: { messages?: string[] } } }) => err.data ?? {},
  );
const errorOf = async (promise: Promise<unknown>) => (await failureOf(promise)).error;

describe.each([
  ['@slack/web-api 7', () => new WebClientV7(TOKEN, { slackApiUrl: api.url, retryConfig: { retries: 0 }, logger: quiet })],
  ["Bolt's Web API client", () => appClient()],
])('files.uploadV2 with %s', (_client, makeClient) => {
  test('stores exactly the bytes sent, shared into the thread with its title and comment', async () => {
    const client = makeClient();
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'weekly posture' });
    // A filename opening with a bracket arrives as a form field that looks like JSON but is not.
    const result = await client.files.uploadV2({ channel_id: CHANNEL, thread_ts: parent.ts!, file: PNG, filename: '[prod] posture.png', title: 'Posture, last 8 weeks', initial_comment: 'the trend' });

    const [upload] = api.uploads();
    expect(api.uploads()).toEqual([
      {
        id: expect.stringMatching(/^F/),
        filename: '[prod] posture.png',
        title: 'Posture, last 8 weeks',
        bytes: expect.any(Buffer),
        channel: CHANNEL,
        threadTs: parent.ts,
        initialComment: 'the trend',
        completedAt: api.callsTo('files.completeUploadExternal')[0].at,
      },
    ]);
    expect(upload.bytes.equals(PNG)).toBe(true);
    expect(result).toMatchObject({ ok: true, files: [{ ok: true, files: [{ id: upload.id, title: 'Posture, last 8 weeks' }] }] });
    expect(api.calls.map((c) => `${c.method} ${c.outcome}`)).toEqual(['chat.postMessage ok', 'files.getUploadURLExternal ok', 'files.completeUploadExternal ok']);
    expect(api.callsTo('files.getUploadURLExternal')[0].args).toMatchObject({ filename: '[prod] posture.png', length: String(PNG.length) });
    expect(api.uploadPosts).toEqual([{ fileId: upload.id, length: PNG.length, at: expect.any(Number), violations: [] }]);
    expect(api.allViolations()).toEqual([]);

    // The share is a thread reply in the channel's history; the channel's top level is unchanged.
    const reply = [...api.messages.get(CHANNEL)!.values()].find((m) => m.files !== undefined);
    expect(reply).toMatchObject({ threadTs: parent.ts, text: 'the trend', files: [{ id: upload.id, title: 'Posture, last 8 weeks' }] });
    expect(api.topLevelMessages(CHANNEL).map((m) => m.ts)).toEqual([parent.ts]);
  });
});

describe("files.uploadV2 with Bolt's Web API client", () => {
  test('a title defaults to the filename; a share outside a thread is a top-level message; no channel keeps the file private', async () => {
    const client = appClient();
    await client.files.uploadV2({ channel_id: CHANNEL, file: PNG, filename: 'chart.png' });
    await client.files.uploadV2({ file: Buffer.from('private'), filename: 'notes.txt' });

    expect(api.uploads().map(({ filename, title, channel, threadTs }) => ({ filename, title, channel, threadTs }))).toEqual([
      { filename: 'chart.png', title: 'chart.png', channel: CHANNEL, threadTs: undefined },
      { filename: 'notes.txt', title: 'notes.txt', channel: undefined, threadTs: undefined },
    ]);
    expect(api.topLevelMessages(CHANNEL)).toEqual([expect.objectContaining({ text: '', files: [{ id: api.uploads()[0].id, title: 'chart.png' }] })]);
    expect(api.messages.size).toBe(1);
    // Only chat.postMessage calls count as posts.
    expect(api.peakPostsPerSecond(CHANNEL)).toBe(0);
  });

  test('an unknown token is refused before any URL is handed out', async () => {
    expect(await errorOf(appClient('xoxb-wrong').files.uploadV2({ channel_id: CHANNEL, file: PNG, filename: 'chart.png' }))).toBe('invalid_auth');
    expect(api.callsTo('files.getUploadURLExternal').map((c) => c.outcome)).toEqual(['invalid_auth']);
    expect(api.uploadPosts).toEqual([]);
    expect(api.uploads()).toEqual([]);
  });

  test('files.getUploadURLExternal needs a filename and a length in bytes', async () => {
    const files = appClient().files;
    expect(await failureOf(files.getUploadURLExternal({ filename: 'chart.png' } as never))).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] missing required field: length'] },
    });
    expect(await errorOf(files.getUploadURLExternal({ filename: 'chart.png', length: 'big' } as never))).toBe('invalid_arguments');
    expect(await errorOf(files.getUploadURLExternal({ length: 10 } as never))).toBe('invalid_arguments');
    expect(await errorOf(files.getUploadURLExternal({ filename: 'chart.png', length: 0 }))).toBe('missing_argument');
    expect(await files.getUploadURLExternal({ filename: 'chart.png', length: 10 })).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/), upload_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/upload\//) });
  });

  test('completing an unknown file, or one whose bytes never arrived, is file_not_found; nothing is recorded', async () => {
    const files = appClient().files;
    expect(await errorOf(files.completeUploadExternal({ files: [{ id: 'F0NOSUCH', title: 't' }], channel_id: CHANNEL }))).toBe('file_not_found');
    const issued = await files.getUploadURLExternal({ filename: 'chart.png', length: 10 });
    expect(await errorOf(files.completeUploadExternal({ files: [{ id: issued.file_id!, title: 't' }], channel_id: CHANNEL }))).toBe('file_not_found');
    expect(await errorOf(files.completeUploadExternal({ files: [] as never, channel_id: CHANNEL }))).toBe('invalid_arguments');
    expect(api.uploads()).toEqual([]);
    expect(api.messages.size).toBe(0);
  });

  test('a channel without the bot is not_in_channel and the upload is not recorded', async () => {
    api.notInChannel.add(CHANNEL);
    expect(await errorOf(appClient().files.uploadV2({ channel_id: CHANNEL, file: PNG, filename: 'chart.png' }))).toBe('not_in_channel');
    expect(api.uploads()).toEqual([]);
  });

  test('raw bytes are accepted at the upload URL; a byte count other than the announced length is a violation', async () => {
    const files = appClient().files;
    const issued = await files.getUploadURLExternal({ filename: 'short.bin', length: 10 });
    const answer = await fetch(issued.upload_url!, { method: 'POST', body: new Uint8Array(Buffer.from('12345')) });
    expect({ status: answer.status, text: await answer.text() }).toEqual({ status: 200, text: 'OK - 5' });
    expect(api.allViolations()).toEqual([`upload ${issued.file_id}: 5 bytes arrived; files.getUploadURLExternal was told 10`]);

    await files.completeUploadExternal({ files: [{ id: issued.file_id!, title: 'short' }] });
    expect(api.uploads().map((u) => u.bytes.toString())).toEqual(['12345']);
    // A completed upload's URL takes no more bytes.
    expect((await fetch(issued.upload_url!, { method: 'POST', body: 'again' })).status).toBe(404);
    expect(api.allViolations()).toHaveLength(2);
  });

  test('both upload methods can be held to their documented tier', async () => {
    expect(SLACK_METHOD_TIER['files.getUploadURLExternal']).toBe(4);
    expect(SLACK_METHOD_TIER['files.completeUploadExternal']).toBe(4);
    api.limitMethod('files.completeUploadExternal', { perMinute: SLACK_TIER_PER_MINUTE[SLACK_METHOD_TIER['files.completeUploadExternal']], burst: 1 });
    const client = appClient();
    const upload = () => client.files.uploadV2({ channel_id: CHANNEL, file: PNG, filename: 'chart.png' });
    await upload();
    await expect(upload()).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError });
    expect(api.callsTo('files.getUploadURLExternal').map((c) => c.outcome)).toEqual(['ok', 'ok']);
    expect(api.callsTo('files.completeUploadExternal').map((c) => c.outcome)).toEqual(['ok', 'ratelimited']);
    expect(api.uploads()).toHaveLength(1);


    api.reset();
    api.limitMethod('files.getUploadURLExternal', { perMinute: SLACK_TIER_PER_MINUTE[SLACK_METHOD_TIER['files.getUploadURLExternal']], burst: 1 });
    await upload();
    await expect(upload()).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError });
    expect(api.callsTo('files.getUploadURLExternal').map((c) => c.outcome)).toEqual(['ok', 'ratelimited']);
    expect(api.callsTo('files.completeUploadExternal').map((c) => c.outcome)).toEqual(['ok']);
  });
});

describe('views.publish hash', () => {
  const view = (text: string) => ({ type: 'home' as const, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

  test('each publish answers a new hash; a publish with a stale hash is hash_conflict and changes nothing; without a hash it always wins', async () => {
    const client = appClient();
    const first = await client.views.publish({ user_id: 'U1', view: view('one') });
    const hash1 = first.view!.hash!;
    expect(hash1).toEqual(expect.any(String));
    expect(api.homeViewHash('U1')).toBe(hash1);

    const second = await client.views.publish({ user_id: 'U1', view: view('two'), hash: hash1 });
    const hash2 = second.view!.hash!;
    expect(hash2).not.toBe(hash1);
    expect(api.homeViewHash('U1')).toBe(hash2);

    expect(await errorOf(client.views.publish({ user_id: 'U1', view: view('stale'), hash: hash1 }))).toBe('hash_conflict');
    expect(api.homeViews.get('U1')).toEqual(view('two'));
    expect(api.homeViewHash('U1')).toBe(hash2);

    const third = await client.views.publish({ user_id: 'U1', view: view('three') });
    expect(third.view!.hash).not.toBe(hash2);
    expect(api.homeViews.get('U1')).toEqual(view('three'));
    expect(api.callsTo('views.publish').map((c) => c.outcome)).toEqual(['ok', 'ok', 'hash_conflict', 'ok']);
  });

  test('hashes are per user; a hash for a user with no view yet matches nothing', async () => {
    const client = appClient();
    const hash = (await client.views.publish({ user_id: 'U1', view: view('one') })).view!.hash!;
    expect(await errorOf(client.views.publish({ user_id: 'U2', view: view('one'), hash }))).toBe('hash_conflict');
    expect(api.homeViewHash('U2')).toBeUndefined();
    api.reset();
    expect(api.homeViewHash('U1')).toBeUndefined();
  });
});
