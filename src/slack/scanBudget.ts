import { randomUUID } from 'node:crypto';
import type { RunningScan } from '../engine/scanService';
import { formatAge, formatDuration, plural, slackDate } from './blocks/format';
import { context, section } from './blocks/kit';
import type { SlackMessage } from './blocks';
import type { SlackServices } from './command';
import { codeSpan } from './mrkdwn';

/** The last on-demand scan of an account, in the store: every replica reads it. */
interface AccountDemand {
  /** ISO-8601. */
  startedAt: string;
  userId: string;
  /** ISO-8601; absent while it runs (or when its replica stopped before saying). */
  finishedAt?: string;
}

/** The last scan a person started on demand. */
interface UserDemand {
  startedAt: string;
}

const accountKey = (accountId: string) => `scan-demand#${accountId}`;
const userKey = (accountId: string, userId: string) => `scan-demand#${accountId}#user#${userId}`;

/** Why no scan was started, and when one may be. */
export interface ScanRefusal {
  /** `account`: the account's minimum interval; `user`: the person's own cooldown. */
  limit: 'account' | 'user';
  lastStartedAt: Date;
  /** Who started the scan that set the limit. */
  lastBy: string;
  nextAt: Date;
  limitMinutes: number;
}

export type ScanDemand = { scan: RunningScan } | { refused: ScanRefusal };

type BudgetServices = Pick<SlackServices, 'scans' | 'store' | 'now' | 'logger' | 'config'>;

/**
 * A scan asked for from Slack (scan command, Re-scan, a stale status), within the cost limits: a
 * scan running is joined, whoever started it; a new one starts only when the account's last
 * on-demand scan started `slack.scanMinIntervalMinutes` ago and the person's own
 * `slack.userScanCooldownMinutes` ago. Both are kept in the store, so they hold across replicas;
 * a claim in the store lets one replica start when two ask at once (the other joins its scan).
 * When the store cannot be read the scan is allowed: availability before cost, as the scan lease does.
 */
export async function requestScan(services: BudgetServices, accountId: string, userId: string): Promise<ScanDemand> {
  const { scans, store, logger, config } = services;
  const running = scans.current(accountId);
  if (running) return { scan: running };
  const unreadable = (err: unknown) => {
    logger.warn({ err, accountId }, 'the on-demand scan limits cannot be read: allowing the scan');
    return undefined;
  };
  const [account, user] = await Promise.all([
    store.get<AccountDemand>(accountKey(accountId)).catch(unreadable),
    store.get<UserDemand>(userKey(accountId, userId)).catch(unreadable),
  ]);
  const now = services.now();
  const intervalMs = config.slack.scanMinIntervalMinutes * 60_000;
  const cooldownMs = config.slack.userScanCooldownMinutes * 60_000;
  const joinable = scans.current(accountId);
  if (joinable) return { scan: joinable };
  // Started on another replica within the interval and not finished: following it costs nothing.
  if (account && now.getTime() - Date.parse(account.startedAt) < intervalMs && !(await finishedSince(services, accountId, account))) return { scan: scans.start(accountId) };
  const refusal = refusalOf({ account, user, userId, now, intervalMs, cooldownMs });
  if (refusal) return { refused: refusal };
  if (intervalMs > 0) {
    const claimed = await store.claim(accountKey(accountId), randomUUID(), new Date(now.getTime() + intervalMs)).catch((err: unknown) => {
      logger.warn({ err, accountId }, 'the on-demand scan claim cannot be taken: allowing the scan');
      return true;
    });
    // Another replica claimed this very moment: its scan is the one to follow.
    if (!claimed) return { scan: scans.start(accountId) };
  }
  const scan = scans.current(accountId) ?? scans.start(accountId);
  const record: AccountDemand = { startedAt: now.toISOString(), userId };
  const remember = (key: string, value: unknown) => store.put(key, value).catch((err: unknown) => logger.warn({ err, accountId }, 'could not record the on-demand scan; its limits may not hold'));
  await Promise.all([remember(accountKey(accountId), record), remember(userKey(accountId, userId), { startedAt: record.startedAt })]);
  // Finished, however it ended: other replicas stop joining it.
  void scan.result
    .catch(() => undefined)
    .then(() => remember(accountKey(accountId), { ...record, finishedAt: services.now().toISOString() }));
  return { scan };
}

/**
 * Whether the recorded scan is over: it says so, or a report generated since it started is stored
 * (its replica finished it but has not said so yet, or could not).
 */
async function finishedSince(services: BudgetServices, accountId: string, account: AccountDemand): Promise<boolean> {
  if (account.finishedAt) return true;
  const latest = await services.scans.latest(accountId).catch(() => undefined);
  return latest !== undefined && Date.parse(latest.generatedAt) >= Date.parse(account.startedAt);
}

function refusalOf(input: { account?: AccountDemand; user?: UserDemand; userId: string; now: Date; intervalMs: number; cooldownMs: number }): ScanRefusal | undefined {
  const { account, user, now } = input;
  const limits: ScanRefusal[] = [];
  if (account && input.intervalMs > 0) {
    const lastStartedAt = new Date(account.startedAt);
    limits.push({ limit: 'account', lastStartedAt, lastBy: account.userId, nextAt: new Date(lastStartedAt.getTime() + input.intervalMs), limitMinutes: input.intervalMs / 60_000 });
  }
  if (user && input.cooldownMs > 0) {
    const lastStartedAt = new Date(user.startedAt);
    limits.push({ limit: 'user', lastStartedAt, lastBy: input.userId, nextAt: new Date(lastStartedAt.getTime() + input.cooldownMs), limitMinutes: input.cooldownMs / 60_000 });
  }
  const binding = limits.filter((l) => l.nextAt > now).sort((a, b) => b.nextAt.getTime() - a.nextAt.getTime());
  return binding[0];
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** Which limit refused the scan, since when, and when the next scan may start (mrkdwn). */
export function scanRefusalText(refusal: ScanRefusal, input: { accountId: string; now: Date }): string {
  const { now } = input;
  const started = formatAge(refusal.lastStartedAt, now);
  const by = SLACK_USER.test(refusal.lastBy) ? ` by <@${refusal.lastBy}>` : '';
  const reason =
    refusal.limit === 'account'
      ? `The last on-demand scan of ${codeSpan(input.accountId)} started ${started}${by}; on-demand scans start at most once every ${plural(refusal.limitMinutes, 'minute')}.`
      : `You started a scan ${started}; each person may start one every ${plural(refusal.limitMinutes, 'minute')}.`;
  return `:stopwatch: *Not scanned now.* ${reason} The next scan can start ${slackDate(refusal.nextAt)} (in ${waitText(refusal, now)}).`;
}

/** "7 minutes", "less than a minute". */
function waitText(refusal: ScanRefusal, now: Date): string {
  return formatDuration(refusal.nextAt.getTime() - now.getTime()).replace(/^about /, '');
}

/** The private answer to a refused scan, saying whether the last result is shown meanwhile. */
export function scanRefusalMessage(refusal: ScanRefusal, input: { accountId: string; now: Date; lastResultShown: boolean }): SlackMessage {
  return {
    text: `Not scanned now: the next scan can start in ${waitText(refusal, input.now)}`,
    blocks: [section(scanRefusalText(refusal, input)), context(input.lastResultShown ? 'Meanwhile, the last result is shown.' : 'No scan has finished yet.')],
  };
}
