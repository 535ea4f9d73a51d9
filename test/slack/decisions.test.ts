import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Button, SectionBlock } from '@slack/types';
import { slashCommands } from '../../commands';
import { attest } from '../../commands/attest';
import { except } from '../../commands/except';
import { Drills } from '../../src/alerts/drill';
import { effectiveStatus, type DecidedResult } from '../../src/core/decisions';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { checkResultsMessage } from '../../src/slack/blocks';
import { ACCEPT_FINDING_ACTION_ID, CHECK_PAGE_ACTIONS, checkPageValue } from '../../src/slack/blocks/results';
import { createLogger } from '../../src/slack/logger';
import { ATTEST_CALLBACK_ID, EXCEPT_CALLBACK_ID } from '../../src/slack/decisionModals';
import { dayAfter, decisionTarget, type AlertRecord } from '../../src/store';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { ephemeralButtonClick, viewSubmission, type SubmittedValue } from '../support/slackRequests';
import { ACCOUNT } from './fixtures';

const CHANNEL = 'C0TEAMROOM';
const PUBLIC_CHECK = 's3_bucket_public_access_restricted';
const WEBSITE = 'arn:aws:s3:::example-website';
const DATA = 'arn:aws:s3:::example-data';
const RUNBOOK_CHECK = 'attest_root_misuse_runbook';

function result(overrides: Partial<CheckResult> & Pick<CheckResult, 'checkId' | 'refs' | 'resource' | 'status'>): CheckResult {
  return { severity: 'high', accountId: ACCOUNT, region: 'global', message: `${overrides.resource} is ${overrides.status}.`, ...overrides };
}

/** FTR-3.4 and WAS-IR-3 need a person; two buckets are public. */
function scannedReport(): ScanReport {
  const results = [
    result({ checkId: RUNBOOK_CHECK, refs: ['FTR-3.4'], resource: 'account', status: 'MANUAL', message: 'Needs attestation: record where the root credential misuse runbook lives.' }),
    result({ checkId: 'attest_incident_response_practised', refs: ['WAS-IR-3'], resource: 'account', status: 'MANUAL', message: 'Needs attestation.' }),
    result({ checkId: PUBLIC_CHECK, refs: ['FTR-10.1'], resource: WEBSITE, status: 'FAIL', message: 'example-website is readable by everyone <!here>.', remediation: 'Block public access.' }),
    result({ checkId: PUBLIC_CHECK, refs: ['FTR-10.1'], resource: DATA, status: 'FAIL', message: 'example-data is readable by everyone.', remediation: 'Block public access.' }),
    result({ checkId: PUBLIC_CHECK, refs: ['FTR-10.1'], resource: 'arn:aws:s3:::example-private', status: 'PASS' }),
  ];
  const counts = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 };
  for (const r of results) counts[r.status] += 1;
  return {
    schemaVersion: 1,
    generatedAt: new Date(Date.now() - 60_000).toISOString(),
    accounts: [ACCOUNT],
    regions: ['us-east-1'],
    summary: { ...counts, durationMs: 5, awsRequests: { total: 1, byOperation: {} } },
    results,
  };
}

let h: SlackHarness;

beforeEach(async () => {
  const commands = [...slashCommands.filter((c) => c.name !== 'attest' && c.name !== 'except'), attest, except];
  h = await startSlackHarness({ scanner: scriptedScanner({ report: scannedReport }), commands });
  await h.store.saveScan(ACCOUNT, scannedReport());
  h.api.reset();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await h.stop();
});

const today = () => new Date();
const openedView = (n = 1) => h.api.waitFor(() => h.api.openedViews.length >= n && h.api.openedViews[n - 1].view, 5000, `modal ${n}`);
const privateAnswer = (id = 'r1') => h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === id)?.body, 5000, `answer at ${id}`);
const dmTo = (user: string) => h.api.waitFor(() => h.api.callsTo('chat.postMessage').find((c) => c.args.channel === user), 5000, `DM to ${user}`);

type Form = Partial<Record<'evidence' | 'link' | 'owner' | 'expiry' | 'reason', string | null>>;

/** The state Slack submits for `view`: each input's initial value unless the test typed another. */
function stateOf(view: any, typed: Form): Record<string, Record<string, SubmittedValue>> {
  const values: Record<string, Record<string, SubmittedValue>> = {};
  for (const block of view.blocks.filter((b: any) => b.type === 'input')) {
    const el = block.element;
    const value = block.block_id in typed ? typed[block.block_id as keyof Form] : (el.initial_value ?? el.initial_user ?? el.initial_date ?? null);
    const state: SubmittedValue =
      el.type === 'users_select' ? { type: el.type, selected_user: value } : el.type === 'datepicker' ? { type: el.type, selected_date: value } : { type: el.type, value };
    values[block.block_id] = { [el.action_id]: state };
  }
  return values;
}

/** Submits `view` as `userId` with what the test typed; the acknowledgement's body, parsed (undefined for an empty one). */
async function submit(view: any, typed: Form = {}, options: { userId?: string; privateMetadata?: string } = {}): Promise<any> {
  const ack = await h.send(
    viewSubmission({ userId: options.userId ?? ADMIN, callbackId: view.callback_id, privateMetadata: options.privateMetadata ?? view.private_metadata, values: stateOf(view, typed) }),
  );
  expect(ack.status).toBe(200);
  return ack.text ? JSON.parse(ack.text) : undefined;
}

const inputsOf = (view: any) => Object.fromEntries(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element]));
const textOf = (blocks: unknown) => JSON.stringify(blocks);
const decisions = () => h.store.decisions(ACCOUNT);
const latestResult = async (checkId: string, resource: string): Promise<DecidedResult> =>
  (await h.scans.latest(ACCOUNT))!.results.find((r) => r.checkId === checkId && r.resource === resource)!;

describe('/ftr attest', () => {
  test('opens a modal with the requirement, the evidence to record and prefilled defaults', async () => {
    await h.command('attest ftr-3.4', { channelId: CHANNEL });
    const view = await openedView();
    expect(view).toMatchObject({ type: 'modal', callback_id: ATTEST_CALLBACK_ID, title: { text: 'Record attestation' }, submit: { text: 'Record' } });
    expect(JSON.parse(view.private_metadata)).toEqual({ a: ACCOUNT, r: 'FTR-3.4' });
    const text = textOf(view.blocks);
    expect(text).toContain('FTR-3.4');
    expect(text).toContain('*Evidence to record:* where the root credential misuse runbook lives and when it was last reviewed');
    const inputs = inputsOf(view);
    expect(Object.keys(inputs)).toEqual(['evidence', 'link', 'owner', 'expiry']);
    expect(inputs.evidence.initial_value).toBe(
      `Runbook: Root credential misuse (shipped with ftr-bot, runbooks/root-credential-misuse.md), reviewed on ${today().toISOString().slice(0, 10)}.`,
    );
    expect(inputs.link).toMatchObject({ type: 'url_text_input' });
    expect(inputs.owner).toMatchObject({ type: 'users_select', initial_user: ADMIN });
    expect(inputs.expiry).toMatchObject({ type: 'datepicker', initial_date: dayAfter(today(), 365) });
    expect(h.api.openedViews[0].triggerId).toBe('1.2.3');
    expect(h.api.allViolations()).toEqual([]);
  });

  test('WAS-IR-1 is prefilled with every shipped runbook for it; FTR-7.8 lasts 90 days by default', async () => {
    await h.command('attest WAS-IR-1');
    const evidence = inputsOf(await openedView()).evidence.initial_value as string;
    expect(evidence).toMatch(/^Runbooks \(shipped with ftr-bot\), reviewed on \d{4}-\d{2}-\d{2}: /);
    for (const name of ['exposed-access-key', 'public-s3-bucket', 'root-credential-misuse']) expect(evidence).toContain(`runbooks/${name}.md`);
    await h.command('attest FTR-7.8');
    const view = await openedView(2);
    expect(inputsOf(view).expiry.initial_date).toBe(dayAfter(today(), 90));
    expect(inputsOf(view).evidence.initial_value).toBeUndefined();
    expect(textOf(view.blocks)).toContain('FTR-7.8 lasts 90 days by default');
  });

  test('WAS-IR-3 is prefilled from the last drills', async () => {
    const drills = new Drills({
      store: h.store,
      sqs: { send: async () => ({}) } as unknown as SQSClient,
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/alerts',
      accountId: async () => ACCOUNT,
      region: 'us-east-1',
      now: () => new Date('2024-05-01T10:00:00.000Z'),
      logger: createLogger({ level: 'fatal' }),
      tell: async () => undefined,
    });
    const { id } = await drills.start({ kind: 'guardduty', userId: READER });
    await drills.cardPosted({ drillId: id, channel: 'C0ALERTS' } as AlertRecord);
    await drills.acknowledged({ drillId: id, acknowledgedAt: '2024-05-01T10:03:00.000Z', acknowledgedBy: ADMIN } as AlertRecord);
    await h.command('attest WAS-IR-3');
    const evidence = inputsOf(await openedView()).evidence.initial_value as string;
    expect(evidence).toContain(`2024-05-01: guardduty drill (/ftr drill) requested by ${READER}: card posted 0 s after the event, acknowledged by ${ADMIN} 180 s later.`);
    expect(evidence).toMatch(/Lessons: $/);
  });

  test('an unknown ID is answered privately with the closest IDs, and no modal opens', async () => {
    await h.command('attest FTR-3.44', { channelId: CHANNEL });
    const answer = await privateAnswer();
    expect(answer.response_type).toBe('ephemeral');
    expect(textOf(answer.blocks)).toContain('FTR-3.44 is not a requirement ID. Closest: FTR-3.4');
    await h.command('attest FTR-7.1', { responseId: 'r2' });
    expect(textOf((await privateAnswer('r2')).blocks)).toContain('FTR-7.1 is decided from AWS by its checks');
    expect(h.api.openedViews).toEqual([]);
  });

  test('a reader may not open it', async () => {
    await h.command('attest FTR-3.4', { userId: READER });
    expect(textOf((await privateAnswer()).blocks)).toContain('Only FTR admins may run /ftr attest');
    expect(h.api.openedViews).toEqual([]);
  });

  test('a bad link, an expiry in the past and an altered requirement are refused next to the field; nothing is saved', async () => {
    await h.command('attest FTR-3.4');
    const view = await openedView();

    const badLink = await submit(view, { link: 'runbooks on the wiki' });
    expect(badLink).toEqual({ response_action: 'errors', errors: { link: expect.stringContaining('is not a link') } });

    const past = await submit(view, { expiry: '2020-01-01' });
    expect(past).toEqual({ response_action: 'errors', errors: { expiry: expect.stringContaining('The expiry must be after today') } });

    const tampered = await submit(view, {}, { privateMetadata: JSON.stringify({ a: ACCOUNT, r: 'FTR-99.9' }) });
    expect(tampered).toEqual({ response_action: 'errors', errors: { evidence: expect.stringContaining('FTR-99.9 is not a requirement ID') } });

    const otherAccount = await submit(view, {}, { privateMetadata: JSON.stringify({ a: '999999999999', r: 'FTR-3.4' }) });
    expect(otherAccount.errors.evidence).toMatch(/altered or is out of date/);

    const nothing = await submit(view, { evidence: null, link: null });
    expect(nothing.errors).toEqual({ evidence: 'Record the evidence: a text, a link, or both.' });

    expect(await decisions()).toEqual({ attestations: [], exceptions: [] });
    expect((await latestResult(RUNBOOK_CHECK, 'account')).status).toBe('MANUAL');
  });

  test('a good submission is saved with who and when, the report passes with the evidence, and the submitter gets a DM', async () => {
    await h.command('attest FTR-3.4');
    const view = await openedView();
    const before = Date.now();
    const ack = await submit(view, { link: 'https://wiki.example.com/runbooks/root' });
    expect(ack).toBeUndefined();

    const { attestations } = await decisions();
    expect(attestations).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, requirementId: 'FTR-3.4', owner: ADMIN, recordedBy: ADMIN, link: 'https://wiki.example.com/runbooks/root', expiresAt: `${dayAfter(today(), 365)}T00:00:00.000Z` }),
    ]);
    expect(Date.parse(attestations[0].recordedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(attestations[0].evidence).toContain('Runbook: Root credential misuse (shipped with ftr-bot');

    const attested = await latestResult(RUNBOOK_CHECK, 'account');
    expect(attested.status).toBe('PASS');
    expect(attested.attestation).toMatchObject({ state: 'active', owner: ADMIN, recordedBy: ADMIN, link: 'https://wiki.example.com/runbooks/root' });
    expect(attested.message).toContain('Runbook: Root credential misuse');

    const dm = await dmTo(ADMIN);
    expect(dm.args.text).toBe(`Attestation of FTR-3.4 recorded; it expires on ${dayAfter(today(), 365)}`);
    expect(textOf(dm.args.blocks)).toContain(`owner <@${ADMIN}>, expires on *${dayAfter(today(), 365)}*`);
    expect(h.api.allViolations()).toEqual([]);

    // Opened again, it shows what is recorded and starts from it.
    await h.command('attest FTR-3.4');
    const again = await openedView(2);
    expect(textOf(again.blocks)).toContain(`Recorded by <@${ADMIN}> on ${today().toISOString().slice(0, 10)}, owner <@${ADMIN}>; it expires on ${dayAfter(today(), 365)}`);
    expect(inputsOf(again).link.initial_value).toBe('https://wiki.example.com/runbooks/root');
  });

  test('a submission from someone who may not attest is refused and nothing is saved', async () => {
    await h.command('attest FTR-3.4');
    const view = await openedView();
    const ack = await submit(view, {}, { userId: READER });
    expect(ack).toEqual({ response_action: 'errors', errors: { evidence: 'Only FTR admins may record attestations.' } });
    expect(await decisions()).toEqual({ attestations: [], exceptions: [] });
  });

  test('a store that fails keeps the modal open with the reason on a field', async () => {
    await h.command('attest FTR-3.4');
    const view = await openedView();
    jest.spyOn(h.store, 'putAttestation').mockRejectedValue(new Error('disk I/O error'));
    const ack = await submit(view);
    expect(ack.response_action).toBe('errors');
    expect(ack.errors.evidence).toMatch(/^Could not save it: .* Submit again: recording again replaces what is there\.$/);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('revoke is private and audited; the list shows each attestation with owner and expiry', async () => {
    await h.command('attest FTR-3.4');
    await submit(await openedView());
    await h.command('attest', { responseId: 'list' });
    const list = await privateAnswer('list');
    expect(list.response_type).toBe('ephemeral');
    expect(textOf(list.blocks)).toContain(`*Active (1)*\\n*FTR-3.4* — owner <@${ADMIN}>, expires on ${dayAfter(today(), 365)}`);
    expect(textOf(list.blocks)).toContain('*Still needing attestation (');
    expect(textOf(list.blocks)).toMatch(/Still needing attestation \(\d+\):\* [^"]*WAS-IR-3/);

    await h.command('attest revoke FTR-3.4', { responseId: 'revoke' });
    const revoked = await privateAnswer('revoke');
    expect(revoked.response_type).toBe('ephemeral');
    expect(revoked.text).toContain('Revoked the attestation of `FTR-3.4`');
    const [attestation] = (await decisions()).attestations;
    expect(attestation).toMatchObject({ revokedBy: ADMIN });
    expect((await h.store.auditTrail(decisionTarget(attestation))).map((e) => [e.actor, e.action])).toEqual([
      [ADMIN, 'attested'],
      [ADMIN, 'revoked'],
    ]);
    expect((await latestResult(RUNBOOK_CHECK, 'account')).status).toBe('MANUAL');

    await h.command('attest revoke FTR-3.4', { responseId: 'again' });
    expect((await privateAnswer('again')).text).toContain('has no attestation to revoke');
    await h.command('attest', { responseId: 'list2' });
    expect(textOf((await privateAnswer('list2')).blocks)).toContain('*Revoked (1)*');
  });
});

describe('exceptions', () => {
  /** The check page an admin sees, with its Accept… buttons. */
  async function adminPage() {
    return checkResultsMessage({ report: (await h.scans.latest(ACCOUNT))!, query: PUBLIC_CHECK, now: new Date(), acceptFindings: true });
  }
  const acceptButtons = (blocks: unknown[]) =>
    (blocks as SectionBlock[]).filter((b) => b.type === 'section' && b.accessory).map((b) => ({ text: b.text!.text, button: b.accessory as Button }));
  const pressAccept = (value: string, userId = ADMIN) =>
    h.send(ephemeralButtonClick({ actionId: ACCEPT_FINDING_ACTION_ID, value, userId, channelId: CHANNEL, responseUrl: h.api.responseUrl('press') }));

  test('Accept… on one bucket opens the modal; once submitted, that bucket carries the exception and the other still fails', async () => {
    const buttons = acceptButtons((await adminPage()).blocks);
    expect(buttons.map((b) => b.text)).toEqual([':x: `example-data` — example-data is readable by everyone.', ':x: `example-website` — example-website is readable by everyone &lt;!here&gt;.']);
    const website = buttons.find((b) => b.text.includes('example-website'))!.button;
    expect(website).toMatchObject({ action_id: ACCEPT_FINDING_ACTION_ID, text: { text: 'Accept…' } });

    await pressAccept(website.value!);
    const view = await openedView();
    expect(view).toMatchObject({ callback_id: EXCEPT_CALLBACK_ID, title: { text: 'Accept a finding' } });
    const text = textOf(view.blocks);
    expect(text).toContain('`arn:aws:s3:::example-website`');
    expect(text).toContain('example-website is readable by everyone &lt;!here&gt;.');
    expect(inputsOf(view).owner.initial_user).toBe(ADMIN);
    expect(inputsOf(view).expiry.initial_date).toBe(dayAfter(today(), 90));
    expect(h.api.allViolations()).toEqual([]);

    expect(await submit(view, { reason: 'It serves the public marketing website.' })).toBeUndefined();
    const accepted = await latestResult(PUBLIC_CHECK, WEBSITE);
    expect(accepted.status).toBe('FAIL');
    expect(accepted.exception).toMatchObject({ reason: 'It serves the public marketing website.', owner: ADMIN, recordedBy: ADMIN });
    expect(effectiveStatus(accepted)).toBe('PASS');
    const other = await latestResult(PUBLIC_CHECK, DATA);
    expect(other.status).toBe('FAIL');
    expect(other.exception).toBeUndefined();
    expect((await dmTo(ADMIN)).args.text).toBe(`Exception for ${PUBLIC_CHECK} on ${WEBSITE} recorded; it expires on ${dayAfter(today(), 90)}`);

    // The page now shows the exception under the bucket, and offers Accept… only on the other one.
    const page = await adminPage();
    expect(acceptButtons(page.blocks).map((b) => b.text)).toEqual([expect.stringContaining('example-data')]);
    expect(textOf(page.blocks)).toContain(`:ballot_box_with_check: Accepted until ${dayAfter(today(), 90)} by <@${ADMIN}>, owner <@${ADMIN}>: It serves the public marketing website.`);
    expect(textOf(page.blocks)).toContain('1 fail · 2 pass (1 accepted)');
  });

  test('paging /ftr check offers Accept… to admins only', async () => {
    const generatedAt = (await h.scans.latest(ACCOUNT))!.generatedAt;
    const page = (userId: string, responseId: string) =>
      h.send(ephemeralButtonClick({ actionId: CHECK_PAGE_ACTIONS.previous, value: checkPageValue({ query: PUBLIC_CHECK, page: 1, generatedAt }), userId, channelId: CHANNEL, responseUrl: h.api.responseUrl(responseId) }));
    await page(ADMIN, 'admin');
    expect(acceptButtons((await privateAnswer('admin')).blocks)).toHaveLength(2);
    await page(READER, 'reader');
    expect(acceptButtons((await privateAnswer('reader')).blocks)).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('a reader pressing Accept… is refused privately and no modal opens', async () => {
    const [button] = acceptButtons((await adminPage()).blocks);
    await pressAccept(button.button.value!, READER);
    expect((await privateAnswer('press')).text).toContain('Only FTR admins may accept this finding');
    expect(h.api.openedViews).toEqual([]);
  });

  test('a forged or stale button value is answered privately', async () => {
    await pressAccept(JSON.stringify({ a: ACCOUNT, c: PUBLIC_CHECK, r: 'arn:aws:s3:::not-scanned' }));
    expect(textOf((await privateAnswer('press')).blocks)).toContain('The last scan no longer has this finding');
    expect(h.api.openedViews).toEqual([]);
  });

  test('/ftr except <check> <bucket name> opens the same modal; a short reason or an expiry beyond 12 months is refused', async () => {
    await h.command(`except ${PUBLIC_CHECK} example-data`);
    const view = await openedView();
    expect(textOf(view.blocks)).toContain('`arn:aws:s3:::example-data`');
    const short = await submit(view, { reason: 'ok' });
    expect(short).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('at least 10 characters') } });
    const far = await submit(view, { reason: 'Holds public open data sets.', expiry: dayAfter(today(), 400) });
    expect(far).toEqual({ response_action: 'errors', errors: { expiry: expect.stringContaining('at most 12 months') } });
    const forged = await submit(view, { reason: 'Holds public open data sets.' }, { privateMetadata: JSON.stringify({ a: ACCOUNT, c: PUBLIC_CHECK, r: 'arn:aws:s3:::elsewhere' }) });
    expect(forged.errors.reason).toContain('no longer has this finding');
    const reader = await submit(view, { reason: 'Holds public open data sets.' }, { userId: READER });
    expect(reader.errors).toEqual({ reason: 'Only FTR admins may accept findings.' });
    expect(await decisions()).toEqual({ attestations: [], exceptions: [] });
  });

  test('/ftr except answers unknown checks, unknown resources and passing results privately', async () => {
    await h.command(`except s3_bucket_public_acess_restricted example-data`, { responseId: 'a' });
    expect(textOf((await privateAnswer('a')).blocks)).toContain(`There is no check \`s3_bucket_public_acess_restricted\`. Closest: \`${PUBLIC_CHECK}\``);
    await h.command(`except ${PUBLIC_CHECK} arn:aws:s3:::example-dat`, { responseId: 'b' });
    expect(textOf((await privateAnswer('b')).blocks)).toContain(`Closest failing: \`${DATA}\``);
    await h.command(`except ${PUBLIC_CHECK} example-private`, { responseId: 'c' });
    expect(textOf((await privateAnswer('c')).blocks)).toContain('The last scan found `arn:aws:s3:::example-private` PASS');
    await h.command(`except ${RUNBOOK_CHECK} account`, { responseId: 'd' });
    expect(textOf((await privateAnswer('d')).blocks)).toContain('record it with `/ftr attest FTR-3.4`');
    expect(h.api.openedViews).toEqual([]);
  });

  test('revoke is private and audited, and the bucket fails again; the list shows the exception', async () => {
    await h.command(`except ${PUBLIC_CHECK} ${WEBSITE}`);
    await submit(await openedView(), { reason: 'It serves the public marketing website.' });
    await h.command('except', { responseId: 'list' });
    const list = await privateAnswer('list');
    expect(textOf(list.blocks)).toContain(`\`${PUBLIC_CHECK}\` · \`${WEBSITE}\` — owner <@${ADMIN}>, expires on ${dayAfter(today(), 90)}`);

    await h.command(`except revoke ${PUBLIC_CHECK} ${WEBSITE}`, { responseId: 'revoke' });
    expect((await privateAnswer('revoke')).text).toContain('Revoked the exception');
    const [exception] = (await decisions()).exceptions;
    expect(exception).toMatchObject({ revokedBy: ADMIN });
    expect((await h.store.auditTrail(decisionTarget(exception))).map((e) => e.action)).toEqual(['excepted', 'revoked']);
    expect((await latestResult(PUBLIC_CHECK, WEBSITE)).exception).toBeUndefined();
  });
});
