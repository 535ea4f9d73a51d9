import type { ScanReport } from '../engine/scan';
import type { RunningScan, ScanProgressView } from '../engine/scanService';
import { slackErrorCode } from './conversation';
import type { Logger } from './logger';

/** Requests per minute per workspace Slack documents for the methods progress edits use (Tier 3, Tier 4). */
const EDIT_METHOD_PER_MINUTE = { 'chat.update': 50, 'views.publish': 100 } as const;
export type EditMethod = keyof typeof EDIT_METHOD_PER_MINUTE;

/** Of each method's allowance, what one scan's progress edits may use: the rest is for results, other answers and alerts. */
const PROGRESS_SHARE = 0.5;

/** The shortest pause between rounds, when places wait for a budget about to refill. */
const MIN_ROUND_MS = 100;

/** Tries of a follower's last edit (the result or the failure) before it is given up. */
const FINAL_TRIES = 5;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 8_000;

/**
 * One method's share of Slack's allowance for one scan's progress edits, as a token bucket:
 * `capacity` edits at once, refilled so that no minute sees more than the share (the capacity plus
 * a minute's refill). The capacity is what one round at the base interval may spend.
 */
class EditBudget {
  readonly perMinute: number;
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private tokens: number;
  private at: number;

  constructor(method: EditMethod, baseIntervalMs: number, now: number) {
    this.perMinute = Math.floor(EDIT_METHOD_PER_MINUTE[method] * PROGRESS_SHARE);
    this.capacity = Math.max(1, Math.min(Math.floor(this.perMinute / 2), Math.ceil((this.perMinute * baseIntervalMs) / 60_000)));
    this.refillPerMs = (this.perMinute - this.capacity) / 60_000;
    this.tokens = this.capacity;
    this.at = now;
  }

  /** Spends one edit if the share allows it now. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until an edit is allowed. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.refillPerMs);
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.refillPerMs);
    this.at = now;
  }
}

/** The scan did not finish because the process is shutting down. */
export class ShuttingDownError extends Error {
  override name = 'ShuttingDownError';
  constructor() {
    super('ftr-bot is restarting; the scan was interrupted. Run the command again in a minute.');
  }
}

export type ScanOutcome = { report: ScanReport } | { err: unknown };

/** One place showing a scan: a message or a person's App Home. */
export interface ScanFollower {
  /** The first edit, when the place was not followed yet (a follower replacing another skips it). */
  start?(): Promise<void>;
  /** Progress steps, for a place that takes them; `method` says which allowance an edit spends now (none: no edit now). */
  progress?: { method(): EditMethod | undefined; show(view: ScanProgressView): Promise<void> };
  /** The last edit: the result, or why there is none. Retried (bounded) until it lands. */
  finish(outcome: ScanOutcome): Promise<void>;
}

export interface ScanFollowersDeps {
  baseIntervalMs: number;
  shutdown: AbortSignal;
  logger: Logger;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

interface Place {
  follower: ScanFollower;
  /** This place's edits, one at a time and in order; rejects only when the first edit failed. */
  chain: Promise<void>;
  editing: boolean;
  /** `done/total` last shown, so that an unchanged step costs no edit. */
  shown: string;
  /** When its progress was last edited (or it started following): the longest waiting goes first. */
  editedAt: number;
  /** Progress edits stopped: Slack refused one for good (the message is gone). */
  quiet: boolean;
  finishing: boolean;
  /** Settles the registration holding the place. */
  release: () => void;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ShuttingDownError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ShuttingDownError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const stepOf = (view: ScanProgressView) => `${view.done}/${view.total}`;

/**
 * How long to wait before trying a failed edit again, or undefined when trying again cannot help:
 * Slack refused it (an error code such as `message_not_found`), or a response_url is expired.
 */
function retryDelayMs(err: unknown, attempt: number): number | undefined {
  if (slackErrorCode(err)) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  const status = /answered HTTP (\d{3})/.exec(message)?.[1];
  if (status && status !== '429' && status.startsWith('4')) return undefined;
  const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  const retryAfter = (err as { retryAfter?: unknown })?.retryAfter;
  return typeof retryAfter === 'number' ? Math.max(backoff, retryAfter * 1000) : backoff;
}

/**
 * Everyone showing one scan, sharing one timer: each place (a message, a person's Home) is
 * followed once, a second registration of a place replacing the first. Each round edits the places
 * whose step changed as far as each method's budget allows (see EditBudget), so edits back off as
 * places grow; when the scan ends every place gets its result (or the failure), retried until it
 * lands, bounded.
 */
export class ScanFollowers {
  private readonly places = new Map<string, Place>();
  private readonly channelAnswers = new Map<string, Promise<boolean>>();
  private readonly ended = new AbortController();
  private readonly budgets = new Map<EditMethod, EditBudget>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private outcome?: ScanOutcome;
  private anonymous = 0;

  constructor(
    private readonly scan: RunningScan,
    private readonly deps: ScanFollowersDeps,
  ) {
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? Date.now;
    void untilAborted(scan.result, deps.shutdown)
      .then(
        (report): ScanOutcome => ({ report }),
        (err: unknown): ScanOutcome => ({ err }),
      )
      .then((outcome) => this.end(outcome));
    void this.tick();
  }

  /** How many places follow the scan. */
  get size(): number {
    return this.places.size;
  }

  /** A key for a place that has no name of its own (a message shown only through a response_url). */
  uniqueKey(): string {
    return `anonymous#${(this.anonymous += 1)}`;
  }

  /**
   * Follows the scan at `key` until its result is shown there, or until another registration of
   * the same place takes over. Rejects when the first edit fails (nothing is shown there).
   */
  follow(key: string, follower: ScanFollower): Promise<void> {
    const held = this.places.get(key);
    if (held && !held.finishing) {
      held.follower = follower;
      const previous = held.release;
      const released = new Promise<void>((resolve) => (held.release = resolve));
      previous();
      return released;
    }
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started = follower.start?.() ?? Promise.resolve();
    const place: Place = { follower, chain: started, editing: false, shown: stepOf(this.scan.progress()), editedAt: this.now(), quiet: false, finishing: false, release };
    this.places.set(key, place);
    if (this.outcome) void this.finish(key, place, this.outcome);
    return started.then(
      () => released,
      (err: unknown) => {
        if (this.places.get(key) === place) this.places.delete(key);
        // A registration that took over meanwhile has nothing to follow either.
        place.release();
        throw err;
      },
    );
  }

  /**
   * One answer about the scan per channel and topic: the first caller runs `post`, which resolves
   * to whether the whole channel sees what it posted. A later caller waits for that: when the
   * channel sees it, `post` is not run ('shown'); otherwise it runs too ('posted').
   */
  async answerInChannel(channel: string, topic: string, post: () => Promise<boolean>): Promise<'posted' | 'shown'> {
    const key = `${channel}#${topic}`;
    const earlier = this.channelAnswers.get(key);
    if (earlier && (await earlier)) return 'shown';
    const posting = post();
    if (!earlier) this.channelAnswers.set(key, posting.catch(() => false));
    await posting;
    return 'posted';
  }

  private async tick(): Promise<void> {
    let pause = this.deps.baseIntervalMs;
    for (;;) {
      await this.sleep(pause, this.ended.signal);
      if (this.ended.signal.aborted) return;
      pause = this.showProgress();
    }
  }

  private budget(method: EditMethod): EditBudget {
    let budget = this.budgets.get(method);
    if (!budget) this.budgets.set(method, (budget = new EditBudget(method, this.deps.baseIntervalMs, this.now())));
    return budget;
  }

  /**
   * One round: edits the places whose step changed and that were not edited for the base
   * interval, longest waiting first, as far as each method's budget allows. Returns the pause
   * before the next round: the base interval, or until the budget of places left waiting refills.
   */
  private showProgress(): number {
    const { baseIntervalMs } = this.deps;
    const now = this.now();
    const view = this.scan.progress();
    const step = stepOf(view);
    const due = [...this.places.values()]
      .filter((p) => p.follower.progress?.method() && !p.quiet && !p.finishing && !p.editing && p.shown !== step && now - p.editedAt >= baseIntervalMs)
      .sort((a, b) => a.editedAt - b.editedAt);
    let refilled = Infinity;
    for (const place of due) {
      const progress = place.follower.progress!;
      const budget = this.budget(progress.method()!);
      if (!budget.take(now)) {
        refilled = Math.min(refilled, budget.waitMs(now));
        continue;
      }
      place.shown = step;
      place.editing = true;
      place.editedAt = now;
      place.chain = place.chain
        .then(() => progress.show(view))
        .catch((err: unknown) => {
          // Slack refused the edit itself (the message was deleted…): stop editing; the result is still tried.
          if (slackErrorCode(err)) place.quiet = true;
          this.deps.logger.warn({ err }, 'a progress update failed');
        })
        .finally(() => (place.editing = false));
    }
    return Math.min(baseIntervalMs, Math.max(MIN_ROUND_MS, refilled));
  }

  private end(outcome: ScanOutcome): void {
    this.outcome = outcome;
    this.ended.abort();
    for (const [key, place] of this.places) if (!place.finishing) void this.finish(key, place, outcome);
  }

  private async finish(key: string, place: Place, outcome: ScanOutcome): Promise<void> {
    place.finishing = true;
    const shown = await place.chain.then(
      () => true,
      () => false,
    );
    try {
      if (shown) await this.untilLanded(() => place.follower.finish(outcome));
    } catch (err) {
      this.deps.logger.error({ err }, 'the result of a scan could not be shown: the message may still show its progress');
    } finally {
      if (this.places.get(key) === place) this.places.delete(key);
      place.release();
    }
  }

  /** Runs `edit` until it succeeds, waiting between tries (Retry-After when Slack gives one), at most FINAL_TRIES times. */
  private async untilLanded(edit: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await edit();
      } catch (err) {
        const delay = retryDelayMs(err, attempt);
        if (delay === undefined || attempt >= FINAL_TRIES) throw err;
        this.deps.logger.info({ err, attempt, delayMs: delay }, 'the result edit failed; trying again');
        await this.sleep(delay);
      }
    }
  }
}

const followersByScan = new WeakMap<RunningScan, ScanFollowers>();

/** The followers of `scan` in this process (one set per scan, created on first use). */
export function followersOf(scan: RunningScan, deps: ScanFollowersDeps): ScanFollowers {
  let followers = followersByScan.get(scan);
  if (!followers) followersByScan.set(scan, (followers = new ScanFollowers(scan, deps)));
  return followers;
}
