import { slashCommands } from '../../commands';
import { evidence } from '../../commands/evidence';
import { requirements } from '../../src/core/requirements';
import { DAY_MS } from '../../src/core/decisions';
import type { CheckResult } from '../../src/core/types';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { ACCOUNT, smallReport } from './fixtures';

const DM = 'D0ADMINDM';
const SCANNED_AT = new Date(Date.now() - 20 * 60_000);
const FILES = ['evidence.md', 'evidence.pdf', 'results.csv'];
const FTR_IDS = requirements()
  .all.map((r) => r.id)
  .filter((id) => id.startsWith('FTR-'));

let h: SlackHarness;

beforeEach(async () => {
  h = await startSlackHarness({
    scanner: scriptedScanner({ report: () => smallReport() }),
    commands: [...slashCommands.filter((c) => c.name !== evidence.name), evidence],
  });
  h.api.reset();
  // conversations.open as Slack answers it (the stand-in knows no direct messages of its own).
  h.api.answerMethod('conversations.open', (call) => (call.args.users === ADMIN ? { ok: true, channel: { id: DM } } : { ok: false, error: 'user_not_found' }));
});
afterEach(() => h.stop());

async function seedScan(): Promise<void> {
  const report = smallReport(SCANNED_AT);
  const manual: CheckResult = {
    checkId: 'runbook_incident_response',
    refs: ['FTR-3.4'],
    status: 'MANUAL',
    severity: 'medium',
    accountId: ACCOUNT,
    region: 'global',
    resource: 'account',
    message: 'Needs attestation: record FTR-3.4 with an owner and an expiry.',
  };
  await h.store.saveScan(ACCOUNT, { ...report, summary: { ...report.summary, MANUAL: 1 }, results: [...report.results, manual] });
  await h.store.putAttestation({
    accountId: ACCOUNT,
    requirementId: 'FTR-3.4',
    evidence: 'Incident runbook at wiki/ir, reviewed last month.',
    owner: READER,
    recordedBy: ADMIN,
    recordedAt: new Date(Date.now() - DAY_MS).toISOString(),
    expiresAt: new Date(Date.now() + 100 * DAY_MS).toISOString(),
  });
}

/** The private answers (response_url, ephemeral) the command sent, as text. */
const privateAnswers = (id: string): string[] => h.api.responseUrlPosts.filter((p) => p.id === id && p.body.response_type === 'ephemeral').map((p) => String(p.body.text));

test('an admin in a channel meant to see findings gets the Markdown, PDF and CSV there, with a line saying what they are', async () => {
  await seedScan();
  await h.command('evidence', { channelId: 'C0GENERAL', responseId: 'ev' });
  const uploads = await h.api.waitFor(() => h.api.uploads().length === 3 && h.api.uploads(), 20_000, 'the three files');

  expect(uploads.map((u) => u.filename).sort()).toEqual([...FILES].sort());
  expect(uploads.every((u) => u.channel === 'C0GENERAL')).toBe(true);
  const file = (name: string) => uploads.find((u) => u.filename === name)!.bytes;
  const markdown = file('evidence.md').toString('utf8');
  for (const id of FTR_IDS) expect(markdown).toContain(id);
  expect(markdown).toContain('Incident runbook at wiki/ir');
  expect(file('evidence.pdf').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(file('results.csv').toString('utf8')).toContain('iam_user_mfa_enabled_console_access');

  // One message shares the three files.
  const comment = uploads[0].initialComment!;
  expect(uploads.every((u) => u.initialComment === comment)).toBe(true);
  expect(comment).toMatch(
    new RegExp(`^:card_index_dividers: FTR evidence pack for account \`${ACCOUNT}\` from the scan of ${SCANNED_AT.toISOString().slice(0, 16).replace('T', ' ')} UTC: \\d+ of \\d+ FTR requirements met, \\d+ open \\(requested by <@${ADMIN}>\\)\\.$`),
  );
  // FTR-7.3 passes and FTR-3.4 is attested; FTR-7.1 fails; the rest needs someone.
  const [, met, total, open] = /: (\d+) of (\d+) FTR requirements met, (\d+) open/.exec(comment)!.map(Number);
  expect({ met, total, open }).toEqual({ met: 2, total: FTR_IDS.length, open: FTR_IDS.length - 3 });

  // The asker is told first that it is being built, privately.
  expect(privateAnswers('ev')[0]).toContain('Building the evidence pack');
  expect(h.api.callsTo('conversations.open')).toEqual([]);
  expect(h.api.allViolations()).toEqual([]);
});

test('a reader is refused privately and nothing is built or uploaded', async () => {
  await seedScan();
  await h.command('evidence', { userId: READER, channelId: 'C0GENERAL', responseId: 'no' });
  const refusal = await h.api.waitFor(() => privateAnswers('no')[0], 5000, 'the refusal');
  expect(refusal).toContain('run /ftr evidence');
  await new Promise((r) => setTimeout(r, 300));
  expect(h.api.uploads()).toEqual([]);
  expect(h.api.callsTo('files.getUploadURLExternal')).toEqual([]);
  expect(privateAnswers('no').some((t) => t.includes('Building'))).toBe(false);
});

test('in a channel shared with another organisation, the files go to the asker’s direct messages and the asker is told why', async () => {
  await seedScan();
  h.api.channels.set('C0CONNECT', { is_ext_shared: true });
  await h.command('evidence', { channelId: 'C0CONNECT', responseId: 'ext' });
  await h.api.waitFor(() => privateAnswers('ext').some((t) => t.includes('direct messages')), 20_000, 'the private note');

  expect(h.api.uploads().map((u) => u.filename).sort()).toEqual([...FILES].sort());
  expect(h.api.uploads().every((u) => u.channel === DM)).toBe(true);
  expect(h.api.messages.get('C0CONNECT')).toBeUndefined();
  const note = privateAnswers('ext').find((t) => t.includes('direct messages'))!;
  expect(note).toContain('not in this channel');
  expect(note).toContain('shared with another organisation');
  // Nothing about it reached the channel.
  expect(h.api.responseUrlPosts.filter((p) => p.body.response_type === 'in_channel')).toEqual([]);
});

test('in a channel whose kind cannot be read, the files go to the asker’s direct messages', async () => {
  await seedScan();
  await h.command('evidence', { channelId: 'C0UNKNOWN', responseId: 'unk' });
  await h.api.waitFor(() => h.api.uploads().length === 3, 20_000, 'the files');
  expect(h.api.uploads().every((u) => u.channel === DM)).toBe(true);
  expect(h.api.messages.get('C0UNKNOWN')).toBeUndefined();
});

test('a channel of the organisation that is not listed gets the files, as Share in channel would; without the bot in it, the asker does', async () => {
  await seedScan();
  h.api.channels.set('C0TEAM', {});
  await h.command('evidence', { channelId: 'C0TEAM', responseId: 'team' });
  await h.api.waitFor(() => h.api.uploads().length === 3, 20_000, 'the files');
  expect(h.api.uploads().every((u) => u.channel === 'C0TEAM')).toBe(true);

  h.api.reset();
  h.api.channels.set('C0NOBOT', {});
  h.api.notInChannel.add('C0NOBOT');
  await h.command('evidence', { channelId: 'C0NOBOT', responseId: 'nobot' });
  const note = await h.api.waitFor(() => privateAnswers('nobot').find((t) => t.includes('direct messages')), 20_000, 'the private note');
  expect(note).toContain('not a member of this channel');
  expect(h.api.uploads().filter((u) => u.channel !== undefined).every((u) => u.channel === DM)).toBe(true);
  expect(h.api.uploads().filter((u) => u.channel === DM)).toHaveLength(3);
});

test('when no direct message can be opened, the asker is told why and nothing is shared', async () => {
  await seedScan();
  h.api.answerMethod('conversations.open', () => ({ ok: false, error: 'missing_scope', needed: 'im:write' }));
  await h.command('evidence', { channelId: 'C0UNKNOWN', responseId: 'nodm' });
  const answer = await h.api.waitFor(() => privateAnswers('nodm').find((t) => t.includes('Could not')), 20_000, 'the failure');
  expect(JSON.stringify(h.api.responseUrlPosts.filter((p) => p.id === 'nodm'))).toContain('im:write');
  expect(answer).toContain('Could not send the evidence pack');
  expect(h.api.uploads()).toEqual([]);
});

test('without a scan the admin is told privately to run one, and nothing is uploaded', async () => {
  await h.command('evidence', { channelId: 'C0GENERAL', responseId: 'none' });
  const answer = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'none'), 5000, 'the answer');
  expect(answer.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(answer.body)).toContain('No scan yet: run /ftr scan.');
  await new Promise((r) => setTimeout(r, 200));
  expect(h.api.uploads()).toEqual([]);
  expect(h.api.responseUrlPosts.filter((p) => p.id === 'none')).toHaveLength(1);
});
