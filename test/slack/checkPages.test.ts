import type { ActionsBlock, Button } from '@slack/types';
import { parse } from 'csv-parse/sync';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { checkResultsMessage } from '../../src/slack/blocks';
import { CHECK_PAGE_ACTIONS, checkPageValue } from '../../src/slack/blocks/results';
import { registerCheckPages } from '../../src/slack/checkPages';
import { READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { buttonClick, ephemeralButtonClick } from '../support/slackRequests';
import { ACCOUNT } from './fixtures';

const SCANNED_AT = '2024-05-01T10:00:00.000Z';
const RESCANNED_AT = '2024-05-02T10:00:00.000Z';
// Not among the harness's public channels: answers here are private.
const CHANNEL = 'C0TEAMROOM';
const DM = 'D0READER';

const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

function finding(overrides: Partial<CheckResult> & Pick<CheckResult, 'checkId' | 'refs' | 'resource'>): CheckResult {
  const status = overrides.status ?? 'FAIL';
  return {
    status,
    severity: 'high',
    accountId: ACCOUNT,
    region: 'global',
    message: `${overrides.resource} is ${status}.`,
    ...(status === 'FAIL' ? { remediation: `Fix ${overrides.checkId}.` } : {}),
    ...overrides,
  };
}

function reportOf(results: CheckResult[], generatedAt: string): ScanReport {
  const counts = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 };
  for (const r of results) counts[r.status] += 1;
  return { schemaVersion: 1, generatedAt, accounts: [ACCOUNT], regions: ['us-east-1'], summary: { ...counts, durationMs: 5, awsRequests: { total: 1, byOperation: {} } }, results };
}

const mfa = (name: string, status: CheckResult['status'] = 'FAIL') =>
  finding({ checkId: 'iam_user_mfa_enabled_console_access', refs: ['FTR-7.1'], resource: userArn(name), status });

/** FTR-7: 333 failing resources (300 users without MFA, 33 stale keys) and 12 passing; one failure elsewhere. */
function postureReport(): ScanReport {
  return reportOf(
    [
      ...Array.from({ length: 300 }, (_v, i) => mfa(`user-${String(i).padStart(3, '0')}`)),
      ...Array.from({ length: 33 }, (_v, i) =>
        finding({ checkId: 'iam_access_key_rotated', refs: ['FTR-7.2'], severity: 'medium', resource: userArn(`keys-${String(i).padStart(2, '0')}`) }),
      ),
      ...Array.from({ length: 11 }, (_v, i) => mfa(`good-${String(i).padStart(2, '0')}`, 'PASS')),
      finding({ checkId: 'iam_password_policy_strong', refs: ['FTR-7.3'], severity: 'medium', resource: 'account', status: 'PASS' }),
      finding({ checkId: 'iam_root_mfa_enabled', refs: ['FTR-3.3'], severity: 'critical', resource: `arn:aws:iam::${ACCOUNT}:root` }),
    ],
    SCANNED_AT,
  );
}
const FTR7_RESULTS = 345;
const FTR7_PAGES = 18;

let h: SlackHarness;

beforeEach(async () => {
  h = await startSlackHarness({ scanner: scriptedScanner({ report: () => postureReport() }) });
  registerCheckPages(h.slack);
  await h.store.saveScan(ACCOUNT, postureReport());
  h.api.reset();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await h.stop();
});

interface Answer {
  response_type: string;
  replace_original?: boolean;
  text: string;
  blocks: unknown[];
}

const postsTo = (id: string): Answer[] => h.api.responseUrlPosts.filter((p) => p.id === id).map((p) => p.body);
const answerAt = (id: string, count = 1) => h.api.waitFor(() => postsTo(id).length >= count && postsTo(id)[count - 1], 5000, `answer ${count} at ${id}`);
const pageLabel = (answer: { blocks: unknown[] }) => JSON.stringify(answer.blocks).match(/Page (\d+) of (\d+)/)?.[0];
const buttons = (answer: { blocks: unknown[] }) => (answer.blocks as ActionsBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Button[]);
const valueOf = (answer: { blocks: unknown[] }, actionId: string) => buttons(answer).find((b) => b.action_id === actionId)?.value;
const listed = (answer: { blocks: unknown[] }) => [...JSON.stringify(answer.blocks).matchAll(/`user\/([^`]+)`/g)].map((m) => m[1]);

const press = (actionId: string, value: string, responseId = 'click') =>
  h.send(ephemeralButtonClick({ actionId, value, userId: READER, channelId: CHANNEL, responseUrl: h.api.responseUrl(responseId) }));

/** `/ftr check FTR-7` by a reader: the first page, privately. */
async function firstPage(): Promise<Answer> {
  await h.command('check FTR-7', { userId: READER, channelId: CHANNEL, responseId: 'cmd' });
  return answerAt('cmd');
}

test('/ftr check FTR-7 answers privately with the first page of every result and a Next button', async () => {
  const first = await firstPage();
  expect(first.response_type).toBe('ephemeral');
  expect(pageLabel(first)).toBe(`Page 1 of ${FTR7_PAGES}`);
  expect(listed(first)).toEqual(Array.from({ length: 20 }, (_v, i) => `user-${String(i).padStart(3, '0')}`));
  expect(JSON.stringify(first.blocks)).toContain(`333 fail · 12 pass* · results 1–20 of ${FTR7_RESULTS}`);
  expect(buttons(first).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.next, CHECK_PAGE_ACTIONS.csv, 'ftr_share']);
  expect(h.api.calls).toEqual([]);
  expect(h.api.allViolations()).toEqual([]);
});

test('Next replaces the private page with page 2 through the response_url', async () => {
  const first = await firstPage();
  const ack = await press(CHECK_PAGE_ACTIONS.next, valueOf(first, CHECK_PAGE_ACTIONS.next)!);
  expect(ack.status).toBe(200);
  const second = await answerAt('click');
  expect(second).toMatchObject({ response_type: 'ephemeral', replace_original: true });
  expect(pageLabel(second)).toBe(`Page 2 of ${FTR7_PAGES}`);
  expect(listed(second)).toEqual(Array.from({ length: 20 }, (_v, i) => `user-${String(i + 20).padStart(3, '0')}`));
  expect(buttons(second).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.previous, CHECK_PAGE_ACTIONS.next, CHECK_PAGE_ACTIONS.csv]);
  // Previous goes back to the first page, again in place.
  await press(CHECK_PAGE_ACTIONS.previous, valueOf(second, CHECK_PAGE_ACTIONS.previous)!);
  const back = await answerAt('click', 2);
  expect(back.replace_original).toBe(true);
  expect(listed(back)).toEqual(listed(first));
  // Nothing through the Web API: an ephemeral message cannot be edited there.
  expect(h.api.calls).toEqual([]);
  expect(h.api.allViolations()).toEqual([]);
});

test('the last page has no Next; a value tampered to page 9999 shows the last page', async () => {
  await press(CHECK_PAGE_ACTIONS.next, checkPageValue({ query: 'FTR-7', page: 9999, generatedAt: SCANNED_AT }));
  const last = await answerAt('click');
  expect(pageLabel(last)).toBe(`Page ${FTR7_PAGES} of ${FTR7_PAGES}`);
  expect(JSON.stringify(last.blocks)).toContain(`results 341–345 of ${FTR7_RESULTS}`);
  expect(buttons(last).map((b) => b.action_id)).toEqual([CHECK_PAGE_ACTIONS.previous, CHECK_PAGE_ACTIONS.csv]);
  expect(listed(last)).toEqual(['good-07', 'good-08', 'good-09', 'good-10']);
  expect(JSON.stringify(last.blocks)).toContain('`account`');
});

test('paging a page shown in the channel edits that message with chat.update', async () => {
  const page = checkResultsMessage({ report: postureReport(), query: 'FTR-7', now: new Date(), page: 1 });
  const posted = await h.slack.app.client.chat.postMessage({ channel: CHANNEL, text: page.text, blocks: page.blocks });
  await h.send(buttonClick({ actionId: CHECK_PAGE_ACTIONS.next, value: valueOf(page, CHECK_PAGE_ACTIONS.next)!, userId: READER, channelId: CHANNEL, messageTs: posted.ts!, responseUrl: h.api.responseUrl('click') }));
  const update = await h.api.waitFor(() => h.api.callsTo('chat.update')[0], 5000, 'chat.update');
  expect(update).toMatchObject({ outcome: 'ok', args: { channel: CHANNEL, ts: posted.ts } });
  expect(pageLabel(h.api.messages.get(CHANNEL)!.get(posted.ts!)!)).toBe(`Page 2 of ${FTR7_PAGES}`);
  expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
  expect(h.api.responseUrlPosts).toEqual([]);
});

test('after a newer scan a page says so and shows the new data', async () => {
  const first = await firstPage();
  await h.store.saveScan(ACCOUNT, reportOf(Array.from({ length: 25 }, (_v, i) => mfa(`new-${String(i).padStart(2, '0')}`)), RESCANNED_AT));
  await press(CHECK_PAGE_ACTIONS.next, valueOf(first, CHECK_PAGE_ACTIONS.next)!);
  const second = await answerAt('click');
  expect(second.replace_original).toBe(true);
  expect(JSON.stringify(second.blocks)).toContain('A newer scan finished since this page was shown');
  expect(pageLabel(second)).toBe('Page 2 of 2');
  expect(listed(second)).toEqual(['new-20', 'new-21', 'new-22', 'new-23', 'new-24']);
  // Its buttons now refer to the newer report.
  expect(valueOf(second, CHECK_PAGE_ACTIONS.previous)).toBe(checkPageValue({ query: 'FTR-7', page: 1, generatedAt: RESCANNED_AT }));
});

describe('Download CSV', () => {
  /** conversations.open as Slack answers it for `users` (the stand-in knows no DMs of its own). */
  const answerConversationsOpen = (answer: (users: string) => Record<string, unknown>) =>
    h.api.answerMethod('conversations.open', (call) => (call.token === h.api.token ? answer(String(call.args.users)) : { ok: false, error: 'invalid_auth' }));

  test("sends every result for the query as a file in the presser's direct messages", async () => {
    answerConversationsOpen((users) => (users === READER ? { ok: true, channel: { id: DM } } : { ok: false, error: 'user_not_found' }));
    const first = await firstPage();
    await press(CHECK_PAGE_ACTIONS.csv, valueOf(first, CHECK_PAGE_ACTIONS.csv)!);
    const confirmation = await answerAt('click');
    expect(h.api.callsTo('conversations.open').map((c) => c.outcome)).toEqual(['ok']);

    const [upload] = h.api.uploads();
    expect(h.api.uploads()).toHaveLength(1);
    expect(upload).toMatchObject({ channel: DM, filename: 'ftr-check-FTR-7-2024-05-01.csv' });
    const rows: Record<string, string>[] = parse(upload.bytes.toString('utf8'), { columns: true });
    expect(Object.keys(rows[0])).toEqual(['checkId', 'refs', 'status', 'severity', 'accountId', 'region', 'resource', 'message', 'remediation']);
    expect(rows).toHaveLength(FTR7_RESULTS);
    expect(rows.filter((r) => r.status === 'FAIL')).toHaveLength(333);
    expect(rows.filter((r) => r.status === 'PASS')).toHaveLength(12);
    expect(rows.some((r) => r.checkId === 'iam_root_mfa_enabled')).toBe(false);
    // The same order as the pages: the first page's users first, passing results last.
    expect(rows.slice(0, 20).map((r) => r.resource)).toEqual(listed(first).map((name) => userArn(name)));
    expect(rows[0]).toEqual({
      checkId: 'iam_user_mfa_enabled_console_access',
      refs: 'FTR-7.1',
      status: 'FAIL',
      severity: 'high',
      accountId: ACCOUNT,
      region: 'global',
      resource: userArn('user-000'),
      message: `${userArn('user-000')} is FAIL.`,
      remediation: 'Fix iam_user_mfa_enabled_console_access.',
    });

    // The presser is told privately where it went; the page stays; nothing reaches a channel.
    expect(confirmation).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(confirmation.text).toMatch(/^:page_facing_up: Sent every result for `FTR-7` \(345 rows\) as a CSV file to your direct messages/);
    expect(h.api.calls.map((c) => c.method)).toEqual(['conversations.open', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(h.api.messages.get(CHANNEL)).toBeUndefined();
    expect(h.api.allViolations()).toEqual([]);
  });

  test('when no direct message can be opened, the presser is told why, privately, and nothing is uploaded', async () => {
    answerConversationsOpen(() => ({ ok: false, error: 'missing_scope', needed: 'im:write', provided: 'commands,chat:write,files:write' }));
    await press(CHECK_PAGE_ACTIONS.csv, checkPageValue({ query: 'FTR-7', page: 1, generatedAt: SCANNED_AT }));
    const answer = await answerAt('click');
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.text).toContain('Could not send the CSV: I cannot open a direct message with you');
    expect(answer.text).toContain('im:write');
    expect(h.api.uploads()).toEqual([]);
    expect(h.api.calls.map((c) => `${c.method} ${c.outcome}`)).toEqual(['conversations.open missing_scope']);
  });
});

describe('argument errors first', () => {
  test('a bad query is answered privately with the closest values, and nothing else happens', async () => {
    const latest = jest.spyOn(h.scans, 'latest');
    await h.command('check FTR-77', { userId: READER, channelId: CHANNEL, responseId: 'cmd' });
    const answer = await answerAt('cmd');
    // Stopping waits for the command's work to finish: whatever it did is recorded now.
    await h.stop();
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.blocks)).toContain('No requirement, section or check is called `FTR-77`. Closest: `FTR-7`');
    expect(latest).not.toHaveBeenCalled();
    expect(h.api.responseUrlPosts).toHaveLength(1);
    expect(h.api.calls).toEqual([]);
  });

  test('no argument gets the usage line, privately', async () => {
    await h.command('check', { userId: READER, channelId: CHANNEL, responseId: 'cmd' });
    const answer = await answerAt('cmd');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe('Could not check');
    expect(JSON.stringify(answer.blocks)).toContain('Say what to check: /ftr check &lt;requirement ID | section | check id&gt;');
  });

  test('a button value naming nothing is answered privately and replaces nothing', async () => {
    await press(CHECK_PAGE_ACTIONS.next, `FTR-77|2|${SCANNED_AT}`);
    const answer = await answerAt('click');
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(answer.blocks)).toContain('Closest: `FTR-7`');
    await press(CHECK_PAGE_ACTIONS.csv, 'garbage', 'garbage');
    expect((await answerAt('garbage')).replace_original).toBe(false);
    expect(h.api.calls).toEqual([]);
  });
});

test('every press goes through the one authorization rule for read; a refusal is private and changes nothing', async () => {
  const authorize = jest.spyOn(h.slack.services.authorization, 'authorize').mockResolvedValue(false);
  await press(CHECK_PAGE_ACTIONS.next, checkPageValue({ query: 'FTR-7', page: 2, generatedAt: SCANNED_AT }));
  const answer = await answerAt('click');
  expect(authorize).toHaveBeenCalledWith(READER, 'read');
  expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  expect(pageLabel(answer)).toBeUndefined();
  expect(h.api.calls).toEqual([]);
});
