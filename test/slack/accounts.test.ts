/**
 * Several accounts in Slack: the organization view of `/ftr status`, one account by id or alias,
 * Re-scan of that account, and a summary of a named account. The scanner is scripted: three
 * accounts with different postures, one of which the bot could not reach.
 */
import type { HeaderBlock } from '@slack/types';
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { catalog } from '../../src/checks/catalog';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { ScanService, type AccountRef, type AccountScanner } from '../../src/engine/scanService';
import { SummaryService } from '../../src/schedule/summaries';
import { accountsStatusMessage, type AccountStanding } from '../../src/slack/blocks/accounts';
import { validateMessage } from '../../src/slack/blocks/limits';
import { webClientOptions } from '../../src/slack/webClient';
import { SqliteStore } from '../../src/store';
import { FakeClock } from '../support/fakeClock';
import { SlackApiStandIn } from '../support/slackApi';
import { buttonClick } from '../support/slackRequests';
import { ADMIN, BOT_TOKEN, PUBLIC_CHANNELS, startSlackHarness, type SlackHarness } from '../support/slackHarness';

const TOOLING = '123456789012';
const PAYMENTS = '210000000001';
const LEDGER = '210000000002';
const ACCOUNTS: AccountRef[] = [
  { accountId: TOOLING, alias: 'tooling' },
  { accountId: PAYMENTS, alias: 'payments' },
  { accountId: LEDGER, alias: 'ledger' },
];

function result(accountId: string, checkId: string, refs: string[], status: CheckResult['status'], resource = 'account'): CheckResult {
  return { checkId, refs, status, severity: 'high', accountId, region: 'global', resource, message: `${checkId}: ${status}` };
}

function reportOf(accountId: string, results: CheckResult[], generatedAt: Date): ScanReport {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    accounts: [accountId],
    regions: results.some((r) => r.checkId === 'account_access' && r.status === 'ERROR') ? [] : ['us-east-1'],
    summary: { PASS: count('PASS'), FAIL: count('FAIL'), ERROR: count('ERROR'), MANUAL: count('MANUAL'), NOT_APPLICABLE: count('NOT_APPLICABLE'), durationMs: 1, awsRequests: { total: 0, byOperation: {} } },
    results,
  };
}

/** Three requirements met. */
const toolingResults = () => [
  result(TOOLING, 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'PASS', `arn:aws:iam::${TOOLING}:user/alice`),
  result(TOOLING, 'iam_password_policy_strong', ['FTR-7.3'], 'PASS'),
  result(TOOLING, 'cloudtrail_multi_region_enabled', ['FTR-6.1'], 'PASS'),
];
/** Two requirements met (one of them its access through the role), one user failing. */
const paymentsResults = () => [
  result(PAYMENTS, 'account_access', ['FTR-11.1'], 'PASS', `arn:aws:iam::${PAYMENTS}:role/ftr-bot-scanner`),
  result(PAYMENTS, 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', `arn:aws:iam::${PAYMENTS}:user/bob`),
  result(PAYMENTS, 'iam_password_policy_strong', ['FTR-7.3'], 'PASS'),
];
/** Not reached: the access ERROR is the whole report. */
const ledgerResults = () => [
  { ...result(LEDGER, 'account_access', ['FTR-11.1'], 'ERROR', `arn:aws:iam::${LEDGER}:role/ftr-bot-scanner`), message: `Role arn:aws:iam::${LEDGER}:role/ftr-bot-scanner does not exist, so the account was not scanned.` },
];
const RESULTS: Record<string, () => CheckResult[]> = { [TOOLING]: toolingResults, [PAYMENTS]: paymentsResults, [LEDGER]: ledgerResults };

/** The three accounts; every scan is recorded and answers with the account's canned report, stamped `now()`. */
function threeAccounts(now: () => Date = () => new Date()): AccountScanner & { scanned: string[] } {
  const scanned: string[] = [];
  return {
    scanned,
    accountId: async () => TOOLING,
    accounts: async () => ACCOUNTS,
    async scan(accountId, onProgress) {
      scanned.push(accountId);
      onProgress({ done: 1, total: 1, checkId: 'x', region: 'us-east-1' });
      return reportOf(accountId, RESULTS[accountId](), now());
    },
  };
}

const allText = (blocks: unknown) => JSON.stringify(blocks);
/** The mrkdwn of every section, one line per account in the organization view. */
const sectionLines = (blocks: Array<{ type: string; text?: { text: string } }>) =>
  blocks.filter((b) => b.type === 'section').flatMap((b) => b.text!.text.split('\n'));

describe('/ftr status with several accounts', () => {
  let h: SlackHarness;
  let scanner: ReturnType<typeof threeAccounts>;

  beforeEach(async () => {
    scanner = threeAccounts();
    h = await startSlackHarness({
      scanner,
      config: { slack: { progressUpdateSeconds: 0.5, publicChannels: PUBLIC_CHANNELS, scanMinIntervalMinutes: 0, userScanCooldownMinutes: 0 } },
    });
    const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000);
    for (const { accountId } of ACCOUNTS) await h.store.saveScan(accountId, reportOf(accountId, RESULTS[accountId](), fiveMinutesAgo));
  });
  afterEach(() => h.stop());

  const posted = (n = 1) => h.api.waitFor(() => h.api.topLevelMessages('C0GENERAL')[n - 1], 5000, `message ${n}`);

  test('without arguments shows every account, the unreachable one first, then the fewest requirements met; nothing is scanned', async () => {
    await h.command('status');
    const message = await posted();
    expect(message.text).toBe(`FTR readiness of 3 accounts; worst: ledger (${LEDGER}), not scanned`);
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR readiness of 3 accounts');
    const lines = sectionLines(message.blocks);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`:warning: *ledger* \`${LEDGER}\` — not scanned: Role arn:aws:iam::${LEDGER}:role/ftr-bot-scanner does not exist, so the account was not scanned. (5 minutes ago)`);
    expect(lines[1]).toMatch(new RegExp(`^:x: \\*payments\\* \`${PAYMENTS}\` — 2 of \\d+ requirements met · 1 failing resource · scanned 5 minutes ago$`));
    expect(lines[2]).toMatch(new RegExp(`^:white_check_mark: \\*tooling\\* \`${TOOLING}\` — 3 of \\d+ requirements met · scanned 5 minutes ago$`));
    expect(scanner.scanned).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('`all` shows the same view', async () => {
    await h.command('status all');
    expect((await posted()).text).toMatch(/^FTR readiness of 3 accounts; worst: ledger/);
  });

  test('an alias, in any case, shows that account; an id with a section shows that section of it', async () => {
    await h.command('status Payments');
    const byAlias = await posted();
    expect(byAlias.text).toMatch(new RegExp(`^FTR readiness for ${PAYMENTS}: 1 check failing \\(gathered 5 minutes ago\\)`));
    expect(allText(byAlias.blocks)).toContain('1 resource: `user/bob`');
    expect(allText(byAlias.blocks)).toContain(`"action_id":"ftr_rescan","value":"${PAYMENTS}"`);

    await h.command(`status ${LEDGER} FTR-7`);
    const section = await posted(2);
    expect(section.text).toMatch(new RegExp(`^FTR-7 .* for ${LEDGER}:`));
    expect(allText(section.blocks)).not.toContain(PAYMENTS);
    expect(scanner.scanned).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('an unknown account is answered privately with the accounts there are, and nothing is posted or scanned', async () => {
    await h.command('status bogus', { responseId: 'bogus' });
    const bogus = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'bogus'), 5000, 'the answer');
    expect(bogus.body.response_type).toBe('ephemeral');
    expect(bogus.body.text).toBe('Could not show bogus');
    expect(allText(bogus.body.blocks)).toContain('bogus is neither a scanned account nor a section. Accounts: tooling, payments and ledger.');

    await h.command('status paymnts', { responseId: 'typo' });
    const typo = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'typo'), 5000, 'the answer');
    expect(allText(typo.body.blocks)).toContain('Did you mean payments?');

    await h.command('status 299999999999', { responseId: 'id' });
    const id = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'id'), 5000, 'the answer');
    expect(allText(id.body.blocks)).toContain('299999999999 is neither a scanned account nor a section.');

    await h.command('status <!channel>', { responseId: 'ping' });
    const ping = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'ping'), 5000, 'the answer');
    expect(allText(ping.body)).not.toContain('<!channel>');

    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    expect(scanner.scanned).toEqual([]);
  });

  test('Re-scan on an account’s status scans that account and updates its message', async () => {
    await h.command('status payments');
    const message = await posted();
    h.api.calls.length = 0;
    await h.send(buttonClick({ actionId: 'ftr_rescan', value: PAYMENTS, userId: ADMIN, channelId: 'C0GENERAL', messageTs: message.ts, responseUrl: h.api.responseUrl('click') }));
    await h.api.waitFor(
      () => scanner.scanned.length === 1 && !h.scans.current(PAYMENTS) && /gathered just now/.test(h.api.callsTo('chat.update').at(-1)?.args.text ?? ''),
      5000,
      'the re-scan',
    );
    expect(scanner.scanned).toEqual([PAYMENTS]);
    const final = h.api.callsTo('chat.update').at(-1)!;
    expect(final.args.ts).toBe(message.ts);
    expect(final.args.text).toMatch(new RegExp(`^FTR readiness for ${PAYMENTS}`));
    expect((await h.store.lastScan(PAYMENTS))?.accounts).toEqual([PAYMENTS]);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('/ftr scan without an account scans the bot’s own; with an alias, that account; `all` is refused privately', async () => {
    await h.command('scan');
    await h.api.waitFor(() => scanner.scanned.length === 1 && !h.scans.current(TOOLING), 5000, 'the scan');
    await h.command('scan ledger');
    await h.api.waitFor(() => scanner.scanned.length === 2 && !h.scans.current(LEDGER), 5000, 'the scan');
    expect(scanner.scanned).toEqual([TOOLING, LEDGER]);

    await h.command('scan all', { responseId: 'all' });
    const all = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'all'), 5000, 'the answer');
    expect(all.body.text).toBe('Could not scan every account');
    expect(allText(all.body.blocks)).toContain('Scans run one account at a time');
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scanned).toHaveLength(2);
  });
});

describe('a summary schedule naming an account', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  });
  afterAll(() => api.close());

  async function summarise(account: string) {
    const schedule = { channel: 'C0POSTURE1', cron: '0 9 * * 1', timezone: 'UTC', account };
    const clock = new FakeClock(new Date('2026-11-30T09:00:00Z'));
    const logger = pino({ level: 'silent' });
    const store = new SqliteStore(':memory:', () => clock.now());
    const client = new webApi.WebClient(BOT_TOKEN, { ...webClientOptions({ apiUrl: api.url }), retryConfig: { retries: 0 } });
    const scanner = threeAccounts(() => clock.now());
    const scans = new ScanService({ scanner, store, now: () => clock.now(), logger });
    const service = new SummaryService({ schedules: [schedule], store, scans, client, clock, logger, checks: catalog, owner: 'me' });
    try {
      await service.summarise(schedule, clock.now());
    } finally {
      await store.close();
    }
    return { scanned: scanner.scanned, message: api.callsTo('chat.postMessage').at(-1)!.args };
  }

  beforeEach(() => api.reset());

  test('summarises that account, found by its alias', async () => {
    const { scanned, message } = await summarise('payments');
    expect(scanned).toEqual([PAYMENTS]);
    expect(message.text).toMatch(new RegExp(`^FTR posture of ${PAYMENTS}: 2 of \\d+ requirements met`));
    expect((message.blocks[0] as HeaderBlock).text.text).toBe(`FTR posture summary · ${PAYMENTS}`);
  });

  test('an account nobody scans is said in the channel, and nothing is scanned', async () => {
    const { scanned, message } = await summarise('nobody');
    expect(scanned).toEqual([]);
    expect(message.text).toBe("The FTR posture summary could not be made: the summary's account nobody is not scanned: name it under accounts, or as an organization member");
  });
});

describe('accountsStatusMessage', () => {
  const NOW = new Date('2026-11-02T09:00:00Z');
  const at = new Date('2026-11-02T08:00:00Z');
  const standing = (accountId: string, results: CheckResult[] | undefined, alias?: string): AccountStanding => ({
    accountId,
    ...(alias ? { alias } : {}),
    ...(results ? { report: reportOf(accountId, results, at) } : {}),
  });
  const lines = (message: { blocks: unknown[] }) => sectionLines(message.blocks as Array<{ type: string; text?: { text: string } }>);

  it('orders unreachable, never scanned, then fewest requirements met, then most failing resources, then by name', () => {
    const twoFailing = [result('300000000004', 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', 'u1'), result('300000000004', 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', 'u2')];
    const message = accountsStatusMessage({
      accounts: [
        standing(TOOLING, toolingResults(), 'tooling'),
        standing('300000000004', twoFailing, 'b-two-failing'),
        standing('300000000003', [result('300000000003', 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', 'u1')], 'a-one-failing'),
        standing('300000000002', undefined),
        standing(LEDGER, ledgerResults(), 'ledger'),
        standing('300000000005', [result('300000000005', 'iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', 'u1')], 'c-one-failing'),
      ],
      checks: catalog,
      now: NOW,
    });
    expect(lines(message).map((l) => /`(\d{12})`/.exec(l)![1])).toEqual([LEDGER, '300000000002', '300000000004', '300000000003', '300000000005', TOOLING]);
    expect(lines(message)[1]).toBe(':grey_question: `300000000002` — not scanned yet');
    expect(lines(message)[2]).toContain('2 failing resources');
    expect(validateMessage(message)).toEqual([]);
  });

  it('shows the bot’s own account with its results when only the organization could not be listed', () => {
    const organizationError = {
      ...result(TOOLING, 'account_access', ['FTR-11.1'], 'ERROR', 'organization'),
      message: "The organization's member accounts could not be listed (AccessDenied), so only the configured accounts were scanned.",
    };
    const message = accountsStatusMessage({ accounts: [standing(TOOLING, [organizationError, ...toolingResults()], 'tooling'), standing(LEDGER, ledgerResults(), 'ledger')], checks: catalog, now: NOW });
    const [ledger, tooling] = lines(message);
    expect(ledger).toContain('ledger');
    expect(tooling).toMatch(/^:warning: \*tooling\* `123456789012` — 3 of \d+ requirements met · 1 error · scanned 1 hour ago$/);
  });

  it('lists 40 of 200 accounts, the worst, counts the rest, and stays within Slack’s limits', () => {
    const accounts = Array.from({ length: 200 }, (_, i) => {
      const accountId = String(400000000000 + i);
      // Every fifth account unreachable, with a long AWS message; the others meet fewer requirements the higher i is.
      if (i % 5 === 0) {
        return standing(accountId, [{ ...result(accountId, 'account_access', ['FTR-11.1'], 'ERROR'), message: `AccessDenied ${'x'.repeat(2_000)}` }], `acct-${i}`);
      }
      const passing = toolingResults().slice(0, i % 3).map((r) => ({ ...r, accountId }));
      return standing(accountId, passing, `acct-${i}`);
    });
    const message = accountsStatusMessage({ accounts, checks: catalog, now: NOW });
    expect(validateMessage(message)).toEqual([]);
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR readiness of 200 accounts');
    const shown = lines(message);
    expect(shown).toHaveLength(40);
    // The 40 unreachable accounts are the worst.
    expect(shown.every((l) => l.startsWith(':warning:') && l.includes('not scanned: AccessDenied'))).toBe(true);
    expect(Math.max(...shown.map((l) => l.length))).toBeLessThan(400);
    expect(allText(message.blocks)).toContain('…and 160 more accounts, none worse than those above.');
  });

  it('escapes aliases and messages', () => {
    const hostile = [{ ...result('300000000001', 'account_access', ['FTR-11.1'], 'ERROR'), message: 'AccessDenied for <!channel> *now* <https://evil.example|click> @here' }];
    const message = accountsStatusMessage({ accounts: [standing('300000000001', hostile, 'a*b_c')], checks: catalog, now: NOW });
    const text = allText(message);
    expect(text).not.toMatch(/<!channel>|<https:|\*now\*|a\*b_c/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('@\u200bhere');
    expect(text).not.toContain('<account id or alias>');
    expect(text).toContain('&lt;account id or alias&gt;');
  });
});
