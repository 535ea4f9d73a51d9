import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { buttonClick } from '../support/slackRequests';
import { ACCOUNT, smallReport } from './fixtures';

const ASKED_IN = 'C0TEAMROOM';
const CONNECT = 'C0PARTNERS';

/** The Share button's value in a private answer, if it has one. */
function shareButton(blocks: any[]): string | undefined {
  return blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: any) => e.action_id === 'ftr_share')?.value;
}

describe('answers are private unless the channel is meant to see them', () => {
  let h: SlackHarness;
  afterEach(() => h?.stop());

  async function start(publicChannels: string[] = []) {
    h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }), config: { roles: { admins: [ADMIN] }, slack: { progressUpdateSeconds: 0.5, publicChannels } } });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 60_000)));
  }

  test('/ftr status in an unlisted channel answers the asker alone, with a Share button; nothing is posted', async () => {
    await start();
    await h.command('status', { userId: READER, channelId: ASKED_IN, responseId: 'mine' });
    const answer = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'mine' && p.body.text.startsWith('FTR readiness')), 5000, 'the answer');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(shareButton(answer.body.blocks)).toBe('status');
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('Share posts the same answer in the channel, fresh, marked with who shared it', async () => {
    await start();
    h.api.channels.set(ASKED_IN, { is_ext_shared: false });
    await h.command('check FTR-7.1', { userId: READER, channelId: ASKED_IN, responseId: 'mine' });
    const answer = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'mine'), 5000, 'the answer');
    const value = shareButton(answer.body.blocks);
    expect(value).toBe('check FTR-7.1');

    await h.send(buttonClick({ actionId: 'ftr_share', value: value!, userId: READER, channelId: ASKED_IN, messageTs: '1700000000.000100', responseUrl: h.api.responseUrl('share') }));
    const shared = await h.api.waitFor(() => h.api.callsTo('chat.postMessage').find((c) => c.args.channel === ASKED_IN), 5000, 'the shared answer');
    const text = JSON.stringify(shared.args.blocks);
    expect(text).toContain(`Shared by <@${READER}>`);
    expect(text).toContain('alice');
    expect(shareButton(shared.args.blocks)).toBeUndefined();
  });

  test('sharing into a channel shared with another organisation is refused privately', async () => {
    await start();
    h.api.channels.set(CONNECT, { is_ext_shared: true });
    await h.send(buttonClick({ actionId: 'ftr_share', value: 'status', userId: READER, channelId: CONNECT, messageTs: '1700000000.000100', responseUrl: h.api.responseUrl('share') }));
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'share'), 5000, 'the refusal');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/shared with another organisation/);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('a channel whose kind cannot be read is treated as not shareable', async () => {
    await start();
    await h.send(buttonClick({ actionId: 'ftr_share', value: 'status', userId: READER, channelId: 'C0UNKNOWN', messageTs: '1700000000.000100', responseUrl: h.api.responseUrl('share') }));
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'share'), 5000, 'the refusal');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/cannot tell whether this channel is shared/);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('a listed channel — even a shared one — gets answers in the channel, without a Share button', async () => {
    await start([CONNECT]);
    h.api.channels.set(CONNECT, { is_ext_shared: true });
    await h.command('status', { userId: READER, channelId: CONNECT });
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage').find((c) => c.args.channel === CONNECT), 5000, 'the answer');
    expect(shareButton(posted.args.blocks)).toBeUndefined();
  });

  test('a tampered Share value that is not a read-only command is refused, and nothing runs', async () => {
    await start();
    h.api.channels.set(ASKED_IN, { is_ext_shared: false });
    await h.send(buttonClick({ actionId: 'ftr_share', value: 'scan', userId: READER, channelId: ASKED_IN, messageTs: '1700000000.000100', responseUrl: h.api.responseUrl('share') }));
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'share'), 5000, 'the refusal');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/no longer says what to share/);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });
});
