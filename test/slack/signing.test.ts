import { slackSignature, slashCommand } from '../support/slackRequests';
import { SIGNING_SECRET, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { smallReport } from './fixtures';

let h: SlackHarness;
let scanner: ReturnType<typeof scriptedScanner>;

beforeEach(async () => {
  scanner = scriptedScanner({ report: () => smallReport() });
  h = await startSlackHarness({ scanner });
  h.api.reset();
});
afterEach(() => h.stop());

const settle = () => new Promise((r) => setTimeout(r, 300));

test('a request signed with the signing secret is acknowledged and handled', async () => {
  const res = await h.command('scan');
  expect(res.status).toBe(200);
  await h.api.waitFor(() => h.api.callsTo('chat.update').length > 0, 5000, 'the scan result');
  expect(scanner.scansStarted).toBe(1);
});

test.each([
  ['a wrong signature', { signature: slackSignature('0123456789abcdef0123456789abcdef', Math.floor(Date.now() / 1000), 'x') }],
  ['a signature over a different body', { signature: slackSignature(SIGNING_SECRET, Math.floor(Date.now() / 1000), 'text=help') }],
  // Correctly signed, but replayed: the timestamp is more than five minutes old.
  ['a timestamp more than five minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
])('%s is refused with 401 and no side effects', async (_what, forgery) => {
  const res = await h.send(slashCommand({ text: 'scan', userId: 'U0ADMIN', responseUrl: h.api.responseUrl() }), forgery);
  expect(res.status).toBe(401);
  await settle();
  expect(h.api.calls).toEqual([]);
  expect(h.api.responseUrlPosts).toEqual([]);
  expect(scanner.scansStarted).toBe(0);
});

test('GET /healthz answers 200 without a signature', async () => {
  const res = await fetch(`${h.baseUrl}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true });
});
