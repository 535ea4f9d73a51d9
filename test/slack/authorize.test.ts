import { webApi } from '@slack/bolt';
import { Authorization, refusalFor, type SlackAction } from '../../src/slack/authorize';
import { createLogger } from '../../src/slack/logger';
import { Roles } from '../../src/slack/roles';
import { webClientOptions } from '../../src/slack/webClient';
import { appHomeOpened, buttonClick } from '../support/slackRequests';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { SlackApiStandIn } from '../support/slackApi';
import { smallReport } from './fixtures';

const TOKEN = 'xoxb-1-2-authorize';
const ACTIONS: SlackAction[] = ['read', 'scan', 'attest', 'except', 'drill', 'acknowledge'];

describe('authorize(user, action)', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: TOKEN });
  });
  afterAll(() => api.close());

  function authorization(roles: { admins?: string[]; responders?: string[] }, allowEveryone = false) {
    const client = new webApi.WebClient(TOKEN, { ...webClientOptions({ apiUrl: api.url }), retryConfig: { retries: 0 } });
    const r = new Roles({ admins: roles.admins ?? [], responders: roles.responders, cacheMs: 60_000, client, logger: createLogger({ level: 'fatal' }) });
    return new Authorization({ roles: r, allowEveryone });
  }

  async function allowed(auth: Authorization, user: string): Promise<SlackAction[]> {
    const verdicts = await Promise.all(ACTIONS.map((a) => auth.authorize(user, a)));
    return ACTIONS.filter((_a, i) => verdicts[i]);
  }

  it('with no admins configured, everyone reads and nobody does anything else', async () => {
    const auth = authorization({});
    expect(auth.adminsMissing).toBe(true);
    expect(await allowed(auth, 'U0ANYONE')).toEqual(['read']);
  });

  it('roles.allowEveryone gives everyone every action', async () => {
    const auth = authorization({}, true);
    expect(auth.adminsMissing).toBe(false);
    expect(await allowed(auth, 'U0ANYONE')).toEqual(ACTIONS);
  });

  it('admins scan, attest, except, drill and (without responders) acknowledge; others read', async () => {
    const auth = authorization({ admins: ['U0ADMIN'] });
    expect(await allowed(auth, 'U0ADMIN')).toEqual(ACTIONS);
    expect(await allowed(auth, 'U0OTHER')).toEqual(['read']);
  });

  it('named responders acknowledge, and only that; admins then do not acknowledge', async () => {
    api.usergroups.set('S0ONCALL', ['U0RESP']);
    const auth = authorization({ admins: ['U0ADMIN'], responders: ['S0ONCALL'] });
    expect(await allowed(auth, 'U0RESP')).toEqual(['read', 'acknowledge']);
    expect(await allowed(auth, 'U0ADMIN')).toEqual(['read', 'scan', 'attest', 'except', 'drill']);
  });

  it('a refusal names whom to ask, or how to name admins when there are none', () => {
    const named = refusalFor(authorization({ admins: ['U0ADMIN'] }), 'scan', 'run /ftr scan');
    expect(JSON.stringify(named.blocks)).toContain('<@U0ADMIN>');
    const none = refusalFor(authorization({}), 'drill', 'run /ftr drill');
    expect(JSON.stringify(none.blocks)).toMatch(/No FTR admins are configured.*roles\.admins.*roles\.allowEveryone/);
  });
});

describe('without admins configured, through signed requests', () => {
  let h: SlackHarness;
  let scanner: ReturnType<typeof scriptedScanner>;
  afterEach(() => h?.stop());

  async function start(config: Record<string, unknown>) {
    scanner = scriptedScanner({ report: () => smallReport() });
    h = await startSlackHarness({ scanner, config: { roles: { admins: [] }, ...config } });
  }

  test('/ftr scan is refused privately with how to name admins, and nothing is scanned', async () => {
    await start({});
    await h.command('scan', { userId: ADMIN, responseId: 'scan' });
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'scan'), 5000, 'the refusal');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/No FTR admins are configured/);
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(0);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('/ftr status shows the last report but starts no scan, however old the report', async () => {
    await start({});
    await h.store.saveScan('123456789012', smallReport(new Date(Date.now() - 48 * 3600_000)));
    await h.command('status', { userId: READER });
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0] ?? h.api.responseUrlPosts[0], 5000, 'the status');
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(0);
  });

  test('the Re-scan button is refused and the Home tab offers no scan but says how to name admins', async () => {
    await start({});
    await h.send(buttonClick({ actionId: 'ftr_rescan', value: '123456789012', userId: ADMIN, responseUrl: h.api.responseUrl('click'), channelId: 'C0GENERAL', messageTs: '1.000001' }));
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'click'), 5000, 'the refusal');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/nobody may re-scan on demand/);

    await h.send(appHomeOpened(READER));
    const home = await h.api.waitFor(() => h.api.homeViews.get(READER), 5000, 'the Home tab');
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('roles.admins');
    expect(text).not.toContain('ftr_rescan');
    expect(scanner.scansStarted).toBe(0);
  });

  test('/ftr help says how to name admins', async () => {
    await start({});
    await h.command('help', { userId: READER, responseId: 'help' });
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'help'), 5000, 'the help');
    expect(JSON.stringify(reply.body.blocks)).toContain('roles.allowEveryone');
  });

  test('with roles.allowEveryone anyone may scan', async () => {
    await start({ roles: { allowEveryone: true } });
    await h.command('scan', { userId: READER });
    await h.api.waitFor(() => scanner.scansStarted === 1, 5000, 'the scan');
  });
});
