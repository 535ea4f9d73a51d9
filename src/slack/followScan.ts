import type { ScanReport } from '../engine/scan';
import type { ScanProgressView } from './blocks';
import type { Logger } from './logger';
import type { RunningScan } from '../engine/scanService';

/**
 * Sends the latest value at most once per interval, in order, one send at a time: progress
 * updates of a Slack message (chat.update is rate limited to about one per second per channel).
 */
export class UpdateThrottle<T> {
  private pending?: { value: T };
  private timer?: NodeJS.Timeout;
  private lastSent = -Infinity;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    this.lastSent = Date.now();
    this.chain = this.chain.then(() => this.send(pending.value)).catch(this.onError);
  }

  /** Drops what is not sent yet and waits for the send in flight. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.chain;
  }
}

/** The scan did not finish because the process is shutting down. */
export class ShuttingDownError extends Error {
  override name = 'ShuttingDownError';
  constructor() {
    super('ftr-bot is restarting; the scan was interrupted. Run the command again in a minute.');
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ShuttingDownError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ShuttingDownError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Shows a running scan's progress (the first step at once, then throttled) and then its result
 * or why it failed. Whatever the outcome, the last thing shown is the result or the failure.
 */
export async function followScan(input: {
  scan: RunningScan;
  intervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  progress: (view: ScanProgressView) => Promise<void>;
  done: (report: ScanReport) => Promise<void>;
  failed: (err: unknown) => Promise<void>;
}): Promise<void> {
  const throttle = new UpdateThrottle(input.intervalMs, input.progress, (err) => input.logger.warn({ err }, 'a progress update failed'));
  throttle.push(input.scan.progress());
  const unsubscribe = input.scan.subscribe((view) => throttle.push(view));
  let outcome: { report: ScanReport } | { err: unknown };
  try {
    outcome = { report: await untilAborted(input.scan.result, input.signal) };
  } catch (err) {
    outcome = { err };
  } finally {
    unsubscribe();
    await throttle.close();
  }
  if ('report' in outcome) await input.done(outcome.report);
  else await input.failed(outcome.err);
}
