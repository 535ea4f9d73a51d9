import { createHash } from 'node:crypto';
import { ScanSetupError } from '../engine/scanAccount';
import type { WebClient } from '../slack/webClient';
import { stringify } from 'csv-stringify/sync';
import type { Logger } from 'pino';
import type { SummarySchedule } from '../config/summaries';
import { automatedRequirements, requirementPosture } from '../core/posture';
import { requirements } from '../core/requirements';
import type { Check } from '../core/types';
import type { ScanReport } from '../engine/scan';
import type { ScanService } from '../engine/scanService';
import { userFacingReason } from '../slack/status';
import { changesTruncated, summaryFailedMessage, summaryMessage, type ExpiringAttestation, type OpenAlertsSummary } from '../slack/blocks/summary';
import type { SlackMessage } from '../slack/blocks/types';
import { keepLease, type CompactScan, type ScanHistoryEntry, type Store } from '../store';
import { compactScan } from '../store/history';
import { csvCell } from '../report/format';
import { diffScans, type ScanChanges } from './changes';
import { renderTrendChart, type TrendPoint } from './chart';
import type { Clock } from './clock';
import { CronSchedule } from './cron';

/** What the store keeps per schedule: the last occurrence summarised and the scan it reported. */
interface SummaryState {
  /** ISO-8601. */
  occurrence: string;
  generatedAt: string;
  channel: string;
  ts?: string;
}

export interface SummaryServiceOptions {
  schedules: readonly SummarySchedule[];
  store: Store;
  scans: ScanService;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  checks: readonly Check[];
  /** This replica's name in leases. */
  owner: string;
  /** True for a channel findings must not go to (shared with another organisation and not listed). */
  heldBack?: (channel: string) => Promise<boolean>;
  /** Attestations about to expire, when something records them. */
  expiringAttestations?: (accountId: string, within: { from: Date; to: Date }) => Promise<ExpiringAttestation[]>;
  /** A replica holds an occurrence this long without renewal before another may take it over. */
  leaseMs?: number;
  /** How often a replica that did not get an occurrence looks whether it was done. */
  retryMs?: number;
  /** An occurrence not summarised this long after its time is given up (logged). */
  catchUpMs?: number;
}

const TREND_DAYS = 56;
const DAY_MS = 24 * 3600 * 1000;
const ATTESTATION_WARNING_MS = 14 * DAY_MS;

/** A schedule's stable name: the same schedule keeps its state when the configuration is reordered. */
export function scheduleId(schedule: SummarySchedule): string {
  // Schedules without an account keep the names they had before accounts could be chosen.
  const account = schedule.account ? `\n${schedule.account}` : '';
  return createHash('sha256').update(`${schedule.channel}\n${schedule.cron}\n${schedule.timezone}${account}`).digest('hex').slice(0, 16);
}

/** The newest scan of each day (in `timezone`), oldest first: one point per day on the chart. */
export function dailyTrend(entries: readonly ScanHistoryEntry[], automated: ReadonlySet<string>, timezone = 'UTC'): TrendPoint[] {
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const byDay = new Map<string, ScanHistoryEntry>();
  for (const entry of entries) {
    const day = dayOf.format(new Date(entry.generatedAt));
    const known = byDay.get(day);
    if (!known || known.generatedAt < entry.generatedAt) byDay.set(day, entry);
  }
  return [...byDay.values()]
    .sort((a, b) => a.generatedAt.localeCompare(b.generatedAt))
    .map((entry) => {
      const posture = requirementPosture(entry.requirements, automated);
      return { at: entry.generatedAt, met: posture.met, total: posture.total, failingBySection: entry.failingBySection ?? {} };
    });
}

/** Every change as one CSV row, for the thread when the message cannot list them all. */
export function changesCsv(changes: ScanChanges): string {
  const rows = [
    ...changes.newFailures.map((c) => ['new failure', c.refs.join(' '), c.checkId, c.region, c.resource, c.previous ?? 'not seen', c.status]),
    ...changes.fixed.map((c) => ['fixed', c.refs.join(' '), c.checkId, c.region, c.resource, 'FAIL', c.gone ? 'resource gone' : c.status]),
    ...changes.newErrors.map((c) => ['new error', c.refs.join(' '), c.checkId, c.region, c.resource, c.previous ?? 'not seen', c.status]),
  ];
  return stringify(
    rows.map((row) => row.map(csvCell)),
    { header: true, columns: ['change', 'requirements', 'check', 'region', 'resource', 'before', 'now'] },
  );
}

/**
 * Periodic posture summaries. Every replica runs every schedule; at each occurrence the replica
 * that takes the occurrence's lease in the store scans (a scan started after the occurrence),
 * posts, and records the occurrence as done; the others wait and take over if it dies before
 * recording it. So each occurrence is summarised once across replicas.
 */
export class SummaryService {
  private readonly options: SummaryServiceOptions;
  private readonly leaseMs: number;
  private readonly retryMs: number;
  private readonly catchUpMs: number;
  private readonly automated: ReadonlySet<string>;
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(options: SummaryServiceOptions) {
    this.options = options;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.retryMs = options.retryMs ?? 15_000;
    this.catchUpMs = options.catchUpMs ?? 30 * 60_000;
    this.automated = automatedRequirements(options.checks);
  }

  start(): void {
    this.loops = this.options.schedules.map((schedule) => this.loop(schedule, new CronSchedule(schedule.cron, schedule.timezone)));
  }

  /** Stops waiting for occurrences; an occurrence being summarised is left to its lease (another replica takes it over). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
  }

  private async loop(schedule: SummarySchedule, cron: CronSchedule): Promise<void> {
    const { clock, logger } = this.options;
    const signal = this.stopping.signal;
    let after = clock.now();
    while (!signal.aborted) {
      const occurrence = cron.next(after);
      await clock.sleepUntil(occurrence, signal);
      if (signal.aborted) return;
      after = occurrence;
      try {
        await this.summarise(schedule, occurrence);
      } catch (err) {
        logger.error({ err, channel: schedule.channel, occurrence: occurrence.toISOString() }, 'the posture summary failed');
      }
    }
  }

  /**
   * Summarises one occurrence unless another replica has (or does). A failure before the summary
   * is posted (the store or the scan not answering) is retried until the catch-up window ends.
   */
  async summarise(schedule: SummarySchedule, occurrence: Date): Promise<void> {
    const { store, clock, logger, owner } = this.options;
    const id = scheduleId(schedule);
    const stateKey = `summary-state#${id}`;
    const leaseKey = `summary#${id}#${occurrence.toISOString()}`;
    const deadline = new Date(occurrence.getTime() + this.catchUpMs);
    const isDone = (state: SummaryState | undefined) => state !== undefined && state.occurrence >= occurrence.toISOString();
    while (!this.stopping.signal.aborted) {
      if (clock.now() > deadline) {
        logger.error({ channel: schedule.channel, occurrence: occurrence.toISOString() }, 'the posture summary was not made in time; skipping this occurrence');
        return;
      }
      try {
        if (isDone(await store.get<SummaryState>(stateKey))) return;
        if (await store.acquireLease(leaseKey, owner, this.leaseMs)) {
          const stopRenewal = keepLease(store, { name: leaseKey, owner, ttlMs: this.leaseMs }, (what, err) => logger.warn({ err }, `summary lease: ${what}`));
          try {
            // Read again under the lease: the previous holder may have finished just before it expired.
            const state = await store.get<SummaryState>(stateKey);
            if (isDone(state)) return;
            await this.produce(schedule, occurrence, state, stateKey, deadline);
            return;
          } finally {
            stopRenewal();
            await store.releaseLease(leaseKey, owner).catch((err: unknown) => logger.warn({ err }, 'could not release the summary lease'));
          }
        }
      } catch (err) {
        logger.warn({ err, channel: schedule.channel, occurrence: occurrence.toISOString() }, 'the posture summary failed; trying again');
      }
      await clock.sleepUntil(new Date(clock.now().getTime() + this.retryMs), this.stopping.signal);
    }
  }

  private async produce(schedule: SummarySchedule, occurrence: Date, previousState: SummaryState | undefined, stateKey: string, deadline: Date): Promise<void> {
    const { scans, logger } = this.options;
    const post = (message: SlackMessage, generatedAt: string) => this.postOnce({ schedule, occurrence, stateKey, deadline, message, generatedAt });
    let accountId: string | undefined;
    let report: ScanReport;
    try {
      accountId = schedule.account ? (await scans.findAccount(schedule.account))?.accountId : await scans.accountId();
      if (!accountId) throw new ScanSetupError(`the summary's account ${schedule.account} is not scanned: name it under accounts, or as an organization member`);
      report = await scans.start(accountId, { notBefore: occurrence }).result;
    } catch (err) {
      // Said once for this occurrence; the next one compares with the last summary that had a scan.
      await post(summaryFailedMessage({ accountId, reason: userFacingReason(err) }), previousState?.generatedAt ?? '');
      return;
    }
    const current = compactScan(report);
    const previous = await this.previousScan(accountId, previousState, current);
    const changes = diffScans(previous?.scan, current);
    const now = this.options.clock.now();
    const message = summaryMessage({
      accountId,
      generatedAt: new Date(report.generatedAt),
      posture: requirementPosture(current.requirements, this.automated),
      previous: previous && {
        generatedAt: new Date(previous.scan.generatedAt),
        posture: requirementPosture(previous.scan.requirements, this.automated),
        fromSummary: previous.fromSummary,
      },
      changes,
      expiringAttestations: (await this.options.expiringAttestations?.(accountId, { from: now, to: new Date(now.getTime() + ATTESTATION_WARNING_MS) })) ?? [],
      openAlerts: await this.openAlerts(),
      checks: this.options.checks,
    });
    const ts = await post(message, report.generatedAt);
    if (!ts) return;
    logger.info({ accountId, channel: schedule.channel, occurrence: occurrence.toISOString(), changes: { newFailures: changes.newFailures.length, fixed: changes.fixed.length, newErrors: changes.newErrors.length } }, 'posture summary posted');
    await this.attach(schedule, accountId, ts, changes, now).catch((err: unknown) => logger.warn({ err }, 'the summary was posted without its attachments'));
  }

  /**
   * Posts the occurrence's message unless another replica has, and records the occurrence as
   * done; resolves to the message's ts, or undefined when another replica posted it.
   */
  private async postOnce(input: { schedule: SummarySchedule; occurrence: Date; stateKey: string; deadline: Date; message: SlackMessage; generatedAt: string }): Promise<string | undefined> {
    const { store, client, logger, owner } = this.options;
    const { schedule, occurrence } = input;
    if (await this.options.heldBack?.(schedule.channel)) {
      logger.error({ channel: schedule.channel }, 'not posting the posture summary: the channel is shared with another organisation; list it in slack.publicChannels if that is intended');
      await store.put(input.stateKey, { occurrence: occurrence.toISOString(), generatedAt: input.generatedAt, channel: schedule.channel } satisfies SummaryState);
      return undefined;
    }
    // The lease may have passed to another replica while this one stalled: posting is claimed once,
    // for as long as anyone may still try this occurrence.
    if (!(await store.claim(`${input.stateKey}#${occurrence.toISOString()}`, owner, new Date(input.deadline.getTime() + this.leaseMs)))) {
      logger.warn({ channel: schedule.channel, occurrence: occurrence.toISOString() }, 'another replica posted this summary');
      return undefined;
    }
    const posted = await client.chat.postMessage({ channel: schedule.channel, text: input.message.text, blocks: input.message.blocks });
    // Recorded before the attachments: a replica taking over must not post the summary twice.
    await store.put(input.stateKey, { occurrence: occurrence.toISOString(), generatedAt: input.generatedAt, channel: schedule.channel, ts: posted.ts } satisfies SummaryState);
    return posted.ts;
  }

  /** The scan to compare with: the previous summary's, else the newest scan before this one. */
  private async previousScan(accountId: string, state: SummaryState | undefined, current: CompactScan): Promise<{ scan: CompactScan; fromSummary: boolean } | undefined> {
    const { store } = this.options;
    if (state?.generatedAt && state.generatedAt !== current.generatedAt) {
      const scan = await store.historicScan(accountId, state.generatedAt);
      if (scan) return { scan, fromSummary: true };
    }
    const earlier = (await store.scanHistory(accountId, { limit: 2 })).find((e) => e.generatedAt < current.generatedAt);
    const scan = earlier && (await store.historicScan(accountId, earlier.generatedAt));
    return scan ? { scan, fromSummary: false } : undefined;
  }

  private async openAlerts(): Promise<OpenAlertsSummary | undefined> {
    try {
      const open = await this.options.store.listAlerts({ states: ['open'] });
      return { count: open.length, oldestSince: open[0] && new Date(open[0].createdAt), titles: open.map((a) => a.alert.title) };
    } catch (err) {
      this.options.logger.warn({ err }, 'the summary goes without unacknowledged alerts: the store cannot be read');
      return undefined;
    }
  }

  /** The trend chart and, when the message had to cut a list, every change as CSV: both in the summary's thread. */
  private async attach(schedule: SummarySchedule, accountId: string, ts: string, changes: ScanChanges, now: Date): Promise<void> {
    const { store, client } = this.options;
    const history = await store.scanHistory(accountId, { since: new Date(now.getTime() - TREND_DAYS * DAY_MS) });
    const points = dailyTrend(history, this.automated, schedule.timezone);
    if (points.length > 0) {
      const png = await renderTrendChart({
        points,
        sections: requirements().sections.map((s) => ({ id: s.id, title: s.title })),
        title: `FTR posture of ${accountId}, last ${TREND_DAYS / 7} weeks`,
        timezone: schedule.timezone,
      });
      await client.files.uploadV2({ channel_id: schedule.channel, thread_ts: ts, file: png, filename: 'ftr-posture-trend.png', title: `FTR posture trend of ${accountId}` });
    }
    if (changesTruncated(changes)) {
      await client.files.uploadV2({ channel_id: schedule.channel, thread_ts: ts, file: Buffer.from(changesCsv(changes)), filename: 'ftr-changes.csv', title: 'Every change since the previous summary' });
    }
  }
}
