import type { Logger } from 'pino';
import type { Store } from '../store';
import type { Clock } from './clock';

const DAY_MS = 24 * 3600 * 1000;
/** The first pass waits a little so that start-up (and its first scan) goes first. */
const FIRST_PASS_DELAY_MS = 60_000;

/**
 * Deletes scan history older than the retention, once a day on every replica: deleting what is
 * already gone changes nothing, so replicas need no coordination here.
 */
export class HistoryRetention {
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger; retentionDays: number }) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Deletes what is older than the retention; resolves to how many entries went. */
  async prune(): Promise<number> {
    const { store, clock, logger, retentionDays } = this.deps;
    const before = new Date(clock.now().getTime() - retentionDays * DAY_MS);
    const deleted = await store.pruneHistory(before);
    if (deleted > 0) logger.info({ deleted, before: before.toISOString() }, 'scan history past its retention deleted');
    return deleted;
  }

  private async run(): Promise<void> {
    const { clock, logger } = this.deps;
    const signal = this.stopping.signal;
    let next = new Date(clock.now().getTime() + FIRST_PASS_DELAY_MS);
    while (!signal.aborted) {
      await clock.sleepUntil(next, signal);
      if (signal.aborted) return;
      await this.prune().catch((err: unknown) => logger.warn({ err }, 'scan history retention failed; retrying tomorrow'));
      next = new Date(clock.now().getTime() + DAY_MS);
    }
  }
}
