/**
 * Attestations and exceptions end to end, as an operator and a reviewer meet them: `ftr serve` in a
 * child process against the Slack stand-in and moto, driven by signed slash commands, modal
 * submissions and button clicks; then the CLI's JSON report and evidence pack from the same store.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { requirements } from '../../src/core/requirements';
import { ACCOUNT_ID, resetMoto, testAccess } from '../support/aws';
import { reportSchemaErrors } from '../support/contracts';
import { SlackApiStandIn, type StoredMessage } from '../support/slackApi';
import { ADMIN, BOT_TOKEN, SIGNING_SECRET } from '../support/slackHarness';
import { buttonClick, postSigned, slashCommand, viewSubmission, type PostResult, type SignedRequest, type SubmittedValue } from '../support/slackRequests';
import { freePort, serveEnv, spawnServe, waitForHealthy, type ServeProcess } from '../support/slackServe';

const ROOT = resolve(__dirname, '..', '..');
const CHANNEL = 'C0GENERAL';
const OWNER = 'U0OWNER01';
const CHECK = 's3_bucket_default_encryption';
const BUCKET_A = 'arn:aws:s3:::ftr-e2e-accepted';
const BUCKET_B = 'arn:aws:s3:::ftr-e2e-failing';
const EVIDENCE = 'Root-user runbook in the ops wiki, last reviewed on 2026-01-15 by the platform team';
const LINK = 'https://wiki.example.com/ops/root-user-runbook';
// Text from a person, with mrkdwn that must not reach Slack as a mention.
const REASON = 'Holds only public release artifacts <!channel>, encrypted client-side before upload';
const DAY_MS = 24 * 60 * 60 * 1000;

// What bin/ftr.js does, from the TypeScript sources (as slackServe's BOOT does for `serve`), on a clock given as an ISO time.
const CLI = `
require('./test/support/tsRequireHook.js').registerTypeScript();
const at = process.argv[2];
require('./src/cli/main.ts').main(JSON.parse(process.argv[1]), at ? { now: () => new Date(at) } : {}).then((code) => { process.exitCode = code; });
`;

let api: SlackApiStandIn;
let dir: string;
let env: Record<string, string>;
let serve: ServeProcess;
let baseUrl: string;
let responses = 0;

function send(request: SignedRequest): Promise<PostResult> {
  return postSigned(`${baseUrl}/slack/events`, request, { secret: SIGNING_SECRET });
}

async function command(text: string): Promise<void> {
  responses += 1;
  const ack = await send(slashCommand({ text, userId: ADMIN, channelId: CHANNEL, responseUrl: api.responseUrl(`cmd${responses}`) }));
  expect(ack.status).toBe(200);
}

function runCli(args: string[], at?: Date): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-e', CLI, JSON.stringify(args), ...(at ? [at.toISOString()] : [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolveRun) => child.on('exit', (code) => resolveRun({ code, stdout, stderr })));
}

const channelMessages = (): StoredMessage[] => api.topLevelMessages(CHANNEL);
const blocksText = (m: StoredMessage): string => JSON.stringify(m.blocks);
const SCAN_RUNNING = 'A scan is running';
/** "N of 62 requirements met" of a status message, once it shows no scan running. */
const requirementsMet = (m: StoredMessage): number | undefined => {
  const match = /\*(\d+) of 62 requirements met\*/.exec(blocksText(m));
  return match && !blocksText(m).includes(SCAN_RUNNING) ? Number(match[1]) : undefined;
};

/** The status message posted after `before` messages, once it shows the posture. */
async function nextStatus(before: number, what: string): Promise<number> {
  const message = await api.waitFor(() => channelMessages().slice(before).find((m) => requirementsMet(m) !== undefined), 40_000, what);
  return requirementsMet(message)!;
}

/** The modal opened after `before` views. */
async function nextView(before: number, what: string): Promise<any> {
  const opened = await api.waitFor(() => api.openedViews[before], 10_000, what);
  return opened.view;
}

/** A submission of `view` as Slack sends it: every input block, found by its element's type. */
function submission(view: any, fill: Partial<Record<'plain_text_input' | 'url_text_input' | 'users_select' | 'datepicker', string>>): SignedRequest {
  const values: Record<string, Record<string, SubmittedValue>> = {};
  for (const block of view.blocks.filter((b: any) => b.type === 'input')) {
    const { type, action_id: actionId } = block.element;
    const given = fill[type as keyof typeof fill] ?? null;
    const value: SubmittedValue =
      type === 'users_select' ? { type, selected_user: given } : type === 'datepicker' ? { type, selected_date: given } : { type, value: given };
    values[block.block_id] = { [actionId]: value };
  }
  return viewSubmission({ userId: ADMIN, callbackId: view.callback_id, privateMetadata: view.private_metadata, values });
}

const ftrIds = requirements()
  .all.map((r) => r.id)
  .filter((id) => id.startsWith('FTR-'));
const inputOf = (view: any, type: string): any => view.blocks.find((b: any) => b.type === 'input' && b.element.type === type);
const confirmations = () => api.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN && c.outcome === 'ok');

/** `ftr scan --format json` on the store the app records in, valid against the report schema. */
const scanJson = async (at?: Date): Promise<any> => {
  const scanned = await runCli(['scan', '--format', 'json', '--regions', 'us-east-1'], at);
  expect(scanned.code).toBe(0);
  const report = JSON.parse(scanned.stdout);
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
};
const attestedResults = (report: any): any[] => report.results.filter((r: any) => r.refs.includes('FTR-3.4'));
const bucketResult = (report: any, arn: string): any => report.results.find((r: any) => r.checkId === CHECK && r.resource === arn);

beforeAll(async () => {
  await resetMoto();
  const aws = testAccess();
  try {
    const s3 = aws.client(S3Client, 'us-east-1');
    for (const arn of [BUCKET_A, BUCKET_B]) await s3.send(new CreateBucketCommand({ Bucket: arn.split(':::')[1] }));
  } finally {
    aws.destroy();
  }
  api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'ftr-decisions-e2e-'));
  writeFileSync(join(dir, 'ftr.yml'), `roles:\n  admins: [${ADMIN}]\nslack:\n  publicChannels: [${CHANNEL}]\n  scanMinIntervalMinutes: 0\n  userScanCooldownMinutes: 0\n`);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  env = serveEnv({ apiUrl: api.url, port, dir, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
  serve = spawnServe(env);
  await waitForHealthy(baseUrl, serve);
}, 60_000);

afterAll(async () => {
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

test('attest and except through ftr serve; the JSON report, the posture in Slack and the evidence pack carry them', async () => {
  // A first scan, as an admin starts it in the channel.
  await command('scan');
  const metBefore = await nextStatus(0, 'the first scan result');

  // /ftr attest FTR-3.4 opens the modal; a link that is no link, or an expiry in the past, keeps it
  // open with the error on that field, and nothing is recorded.
  await command('attest FTR-3.4');
  const attestView = await nextView(0, 'the attestation modal');
  expect(attestView.type).toBe('modal');
  expect(JSON.stringify(attestView.blocks)).toContain('FTR-3.4');
  const expiresOn: string = inputOf(attestView, 'datepicker').element.initial_date;
  const refusals: [Parameters<typeof submission>[1], string][] = [
    [{ plain_text_input: EVIDENCE, url_text_input: 'not a url', users_select: OWNER, datepicker: expiresOn }, 'url_text_input'],
    [{ plain_text_input: EVIDENCE, url_text_input: LINK, users_select: OWNER, datepicker: '2020-01-01' }, 'datepicker'],
  ];
  for (const [fill, field] of refusals) {
    const bad = await send(submission(attestView, fill));
    expect(bad.status).toBe(200);
    const refused = JSON.parse(bad.text);
    expect(refused.response_action).toBe('errors');
    expect(Object.keys(refused.errors)).toEqual([inputOf(attestView, field).block_id]);
  }

  const good = await send(submission(attestView, { plain_text_input: EVIDENCE, url_text_input: LINK, users_select: OWNER, datepicker: expiresOn }));
  expect(good).toMatchObject({ status: 200, text: '' });
  // Only the accepted submission is confirmed to the person who made it.
  await api.waitFor(() => confirmations().length === 1, 10_000, 'the attestation confirmation');
  expect(confirmations()[0].args.text).toContain('FTR-3.4');

  // /ftr except on bucket A opens the exception modal for exactly that finding.
  await command(`except ${CHECK} ${BUCKET_A}`);
  const exceptView = await nextView(1, 'the exception modal');
  expect(JSON.stringify(exceptView.blocks)).toContain(BUCKET_A);
  const exceptExpiry: string = inputOf(exceptView, 'datepicker').element.initial_date;
  const excepted = await send(submission(exceptView, { plain_text_input: REASON, users_select: OWNER, datepicker: exceptExpiry }));
  expect(excepted).toMatchObject({ status: 200, text: '' });
  await api.waitFor(() => confirmations().length === 2, 10_000, 'the exception confirmation');

  // /ftr check: bucket B keeps its Accept… button, bucket A shows its exception instead.
  const beforeCheck = channelMessages().length;
  await command(`check ${CHECK}`);
  const page = await api.waitFor(() => channelMessages().slice(beforeCheck).find((m) => blocksText(m).includes(CHECK)), 10_000, 'the check page');
  const acceptButtons = page.blocks.map((b: any) => b.accessory).filter((a: any) => a?.action_id === 'ftr_accept_finding');
  expect(acceptButtons.map((b: any) => JSON.parse(b.value).r)).toEqual([BUCKET_B]);
  expect(blocksText(page)).toContain('Accepted until');
  expect(blocksText(page)).toContain('encrypted client-side before upload');
  // Its button opens the exception modal for bucket B.
  const click = await send(
    buttonClick({ actionId: 'ftr_accept_finding', value: acceptButtons[0].value, userId: ADMIN, channelId: CHANNEL, messageTs: page.ts, responseUrl: api.responseUrl('accept') }),
  );
  expect(click.status).toBe(200);
  expect(JSON.stringify(await nextView(2, 'the exception modal of bucket B'))).toContain(BUCKET_B);

  // /ftr check FTR-3.4 shows it passing with the evidence.
  const beforeAttested = channelMessages().length;
  await command('check FTR-3.4');
  const attestedPage = await api.waitFor(() => channelMessages().slice(beforeAttested).find((m) => blocksText(m).includes('attest_root_misuse_runbook')), 10_000, 'the FTR-3.4 page');
  expect(blocksText(attestedPage)).toContain(EVIDENCE);
  expect(blocksText(attestedPage)).toContain(LINK);

  // The posture in Slack counts FTR-3.4 as met now (bucket B still fails FTR-12.2), without a new scan ...
  const beforeStatus = channelMessages().length;
  await command('status');
  expect(await nextStatus(beforeStatus, 'the status after the decisions')).toBe(metBefore + 1);
  // ... and after one (a scan of its own: its message says so until the result replaces it).
  const beforeRescan = channelMessages().length;
  const postsBeforeRescan = api.callsTo('chat.postMessage').length;
  await command('scan');
  expect(await nextStatus(beforeRescan, 'the second scan result')).toBe(metBefore + 1);
  const rescanPost = api.callsTo('chat.postMessage').slice(postsBeforeRescan).find((c) => c.args.channel === CHANNEL)!;
  expect(JSON.stringify(rescanPost.args.blocks)).toContain(SCAN_RUNNING);
  // /ftr evidence shares the pack in the channel.
  await command('evidence');
  const shared = await api.waitFor(() => (api.uploads().length >= 3 ? api.uploads() : undefined), 30_000, 'the evidence pack in the channel');
  expect(shared.map((f) => [f.filename, f.channel])).toEqual([
    ['evidence.md', CHANNEL],
    ['evidence.pdf', CHANNEL],
    ['results.csv', CHANNEL],
  ]);
  const sharedMarkdown = shared[0].bytes.toString('utf8');
  expect(ftrIds.filter((id) => !sharedMarkdown.includes(id))).toEqual([]);
  expect(sharedMarkdown).toContain('### FTR-3.4: met');
  expect(sharedMarkdown).toContain(EVIDENCE);
  expect(api.allViolations()).toEqual([]);
  // The refused submissions recorded nothing: two confirmations, the attestation's and the exception's.
  expect(confirmations()).toHaveLength(2);
  // The reason reached Slack escaped: no message mentions the channel.
  const sent = JSON.stringify([...api.calls.filter((c) => c.method.startsWith('chat.') || c.method === 'views.open').map((c) => c.args), ...api.responseUrlPosts.map((p) => p.body)]);
  expect(sent).toContain('client-side');
  expect(sent).not.toContain('<!channel>');

  // The CLI's JSON report carries the decisions the Slack app recorded in the store.
  const report = await scanJson();
  expect(attestedResults(report)).toHaveLength(1);
  expect(attestedResults(report)[0]).toMatchObject({
    status: 'PASS',
    attestation: { evidence: EVIDENCE, link: LINK, owner: OWNER, recordedBy: ADMIN, expiresAt: `${expiresOn}T00:00:00.000Z`, state: 'active' },
  });
  expect(attestedResults(report)[0].message).toContain(EVIDENCE);
  expect(bucketResult(report, BUCKET_A)).toMatchObject({ status: 'FAIL', exception: { reason: REASON, owner: OWNER, recordedBy: ADMIN, expiresAt: `${exceptExpiry}T00:00:00.000Z` } });
  expect(bucketResult(report, BUCKET_B)).toMatchObject({ status: 'FAIL' });
  expect(bucketResult(report, BUCKET_B).exception).toBeUndefined();
  expect(report.results.filter((r: any) => r.exception)).toHaveLength(1);

  // The evidence pack of the last scan the app recorded.
  const out = join(dir, 'pack');
  const pack = await runCli(['evidence', '--output', out, '--account', ACCOUNT_ID]);
  expect(pack.stderr).toBe('');
  expect(pack.code).toBe(0);
  for (const file of ['evidence.md', 'evidence.pdf', 'results.csv']) expect(existsSync(join(out, file))).toBe(true);
  const markdown = readFileSync(join(out, 'evidence.md'), 'utf8');
  expect(ftrIds.filter((id) => !markdown.includes(id))).toEqual([]);
  expect(markdown).toContain('### FTR-3.4: met');
  expect(markdown).toContain(EVIDENCE);
  expect(markdown).toContain('encrypted client-side before upload');
  expect(readFileSync(join(out, 'evidence.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // A day after the attestation's expiry (and the exception's), the same store makes FTR-3.4 fail and bucket A plain failing.
  const later = new Date(Date.parse(`${expiresOn}T00:00:00.000Z`) + DAY_MS);
  const expired = await scanJson(later);
  expect(attestedResults(expired)[0]).toMatchObject({ status: 'FAIL', attestation: { state: 'expired', evidence: EVIDENCE } });
  expect(attestedResults(expired)[0].message).toMatch(new RegExp(`expired on ${expiresOn}`, 'i'));
  expect(bucketResult(expired, BUCKET_A).exception).toBeUndefined();
  const latePack = await runCli(['evidence', '--output', join(dir, 'late'), '--account', ACCOUNT_ID], later);
  expect(latePack.code).toBe(0);
  expect(readFileSync(join(dir, 'late', 'evidence.md'), 'utf8')).toContain('### FTR-3.4: not met');
}, 120_000);
