import { randomUUID } from 'node:crypto';
import type { AlertsConfig } from '../config/alerts';
import type { SlackMessage } from '../slack/blocks';
import { textMessage } from '../slack/blocks/kit';
import { slackErrorCode } from '../slack/conversation';
import type { Logger } from '../slack/logger';
import type { Runbook } from '../slack/runbooks';
import type { WebClient } from '../slack/webClient';
import type { AlertRecord, Store } from '../store';
import { alertCard, digestCard, noteReply } from './cards';
import { updateAlert } from './records';
import { runbookFor } from './runbooks';

/** How long a replica may take to post a card before another may post it instead. */
const POSTING_LEASE_MS = 60_000;
/** chat.update is a Tier 3 method (about 50 a minute per workspace, short bursts allowed). */
const UPDATES_PER_SECOND = 50 / 60;
const UPDATE_BURST = 10;
/** A new card that has waited this long shows the channel is outrun: its group becomes a digest. */
const DIGEST_AFTER_WAIT_MS = 5_000;
/** Errors that mean the bot cannot post in the channel at all (routing, not content). */
const CHANNEL_UNUSABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'team_access_not_granted', 'ekm_access_denied', 'restricted_action_read_only_channel']);
/** Errors that mean the card is gone: post it again. */
const CARD_GONE = new Set(['message_not_found', 'cant_update_message']);
const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** Slack asked to wait (HTTP 429): the whole channel pauses for `retryAfterMs`. */
class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Slack rate limit: retry after ${retryAfterMs} ms`);
  }
}

/** The delivery stopped (shutdown) before the card was shown: the message stays in the queue. */
class DeliveryStopped extends Error {
  override name = 'DeliveryStopped';
}

function rateLimitOf(err: unknown): RateLimited | undefined {
  const e = err as { code?: string; retryAfter?: number };
  if (e?.code === 'slack_webapi_rate_limited_error') return new RateLimited(Math.max(1, e.retryAfter ?? 1) * 1000);
  return slackErrorCode(err) === 'ratelimited' ? new RateLimited(1000) : undefined;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

type Job =
  | { kind: 'card'; key: string; group: string; needsPost: boolean; enqueuedAt: number; notBefore: number; waiters: Waiter[] }
  | { kind: 'post'; message: SlackMessage; threadTs?: string; notBefore: number; waiters: Waiter[] };

/** What a job's run says: finished, or to be tried again (not before a time). */
type Outcome = { done: true } | { done: false; notBefore: number };

const DONE: Outcome = { done: true };

export interface CardDeliveryDeps {
  store: Store;
  /** A client that rejects rate-limited calls instead of waiting itself: the channel's pacing waits. */
  client: WebClient;
  config: AlertsConfig;
  runbooks: readonly Runbook[];
  logger: Logger;
  now?: () => number;
  /** This replica, in posting leases. */
  owner?: string;
  /** Told when a card (or a digest holding the alert) first appears. */
  onCardPosted?: (record: AlertRecord) => void;
  /** True for a channel findings must not go to (shared with another organisation and not listed). */
  heldBack?: (channel: string) => Promise<boolean>;
}

/**
 * Puts alert cards into Slack and keeps them in step with the store: one lane per channel, paced
 * at `postsPerSecond` (thread replies included), honouring Retry-After; a channel whose backlog
 * outgrows `digestAfter` gets digest cards per account, region and finding type instead of one
 * card each. Every card is posted under a lease in the store, so replicas never post one twice.
 */
export class CardDelivery {
  private readonly lanes = new Map<string, Lane>();
  private readonly unusable = new Map<string, string>();
  private readonly updates: TokenBucket;
  private stopped = false;
  readonly owner: string;

  constructor(readonly deps: CardDeliveryDeps) {
    this.owner = deps.owner ?? randomUUID();
    this.updates = new TokenBucket(UPDATES_PER_SECOND, UPDATE_BURST, () => this.now());
  }

  now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Resolves once the record's card shows its latest content (posted, or edited). */
  settle(record: AlertRecord): Promise<void> {
    if (!record.channel) return Promise.resolve();
    return this.lane(record.channel).enqueueCard(record);
  }

  /** A message (or a thread reply under `threadTs`) in `channel`, paced with the cards. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<void> {
    return this.lane(channel).enqueuePost(message, threadTs);
  }

  /** Refuses new work and fails what waits, so its queue messages go back for another replica. */
  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) lane.abandon(new DeliveryStopped('shutting down before the card was posted'));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Waits for a chat.update slot: edits share one workspace-wide Tier 3 allowance (posts are paced per lane). */
  updateSlot(): Promise<void> {
    return this.updates.take();
  }

  runbook(record: AlertRecord): Runbook | undefined {
    return runbookFor(record.alert, this.deps.runbooks);
  }

  /** A channel the bot cannot post in: said loudly once, and the default channel told. */
  reportUnusable(channel: string, code: string): void {
    if (this.unusable.has(channel)) return;
    this.unusable.set(channel, code);
    this.deps.logger.error({ channel, code }, 'cannot post alerts to this channel; alerts routed there go to alerts.defaultChannel until it is fixed (invite the bot, or fix the route)');
    const fallback = this.deps.config.defaultChannel;
    if (fallback && fallback !== channel) {
      const text = `:warning: I cannot post alerts in <#${channel}> (Slack says \`${code}\`). Alerts routed there come here instead until that is fixed: invite me to the channel, or change the route.`;
      this.post(fallback, textMessage(text)).catch((err) =>
        this.deps.logger.warn({ err, channel: fallback }, 'could not post the unusable-channel notice'),
      );
    }
  }

  /** Slack's error code for a channel the bot cannot post in, if it is one. */
  unusableCode(channel: string): string | undefined {
    return this.unusable.get(channel);
  }

  /** As unusableCode, and a channel shared with another organisation (not listed) becomes unusable. */
  async refusalCode(channel: string): Promise<string | undefined> {
    const known = this.unusable.get(channel);
    if (known || !this.deps.heldBack) return known;
    const held = await this.deps.heldBack(channel).catch(() => false);
    if (!held) return undefined;
    this.reportUnusable(channel, 'shared_with_another_organisation');
    return this.unusable.get(channel);
  }

  private lane(channel: string): Lane {
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = new Lane(channel, this);
      this.lanes.set(channel, lane);
    }
    return lane;
  }
}

/** A token bucket: `rate` per second, up to `burst` at once. */
class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens < 1) {
        await sleep(((1 - this.tokens) / this.rate) * 1000);
        this.tokens = 1;
        this.last = this.now();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function groupOf(record: AlertRecord): string {
  return `${record.alert.accountId}|${record.alert.region}|${record.alert.type}`;
}

/** One channel's queue of cards and replies, worked through one at a time at the channel's pace. */
class Lane {
  private readonly jobs: Job[] = [];
  private readonly cards = new Map<string, Job & { kind: 'card' }>();
  private nextPostAt = 0;
  private pausedUntil = 0;
  private running = false;
  private wake?: () => void;

  constructor(
    readonly channel: string,
    private readonly delivery: CardDelivery,
  ) {}

  private get deps(): CardDeliveryDeps {
    return this.delivery.deps;
  }

  enqueueCard(record: AlertRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.delivery.isStopped) return reject(new DeliveryStopped('shutting down'));
      const existing = this.cards.get(record.key);
      if (existing) {
        existing.waiters.push({ resolve, reject });
        existing.needsPost = existing.needsPost && !record.ts;
        return;
      }
      const job: Job & { kind: 'card' } = {
        kind: 'card',
        key: record.key,
        group: groupOf(record),
        needsPost: !record.ts,
        enqueuedAt: this.delivery.now(),
        notBefore: 0,
        waiters: [{ resolve, reject }],
      };
      this.cards.set(record.key, job);
      this.jobs.push(job);
      this.pump();
    });
  }

  enqueuePost(message: SlackMessage, threadTs?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.delivery.isStopped) return reject(new DeliveryStopped('shutting down'));
      this.jobs.push({ kind: 'post', message, threadTs, notBefore: 0, waiters: [{ resolve, reject }] });
      this.pump();
    });
  }

  abandon(reason: Error): void {
    for (const job of this.jobs.splice(0)) for (const w of job.waiters) w.reject(reason);
    this.cards.clear();
    this.wake?.();
  }

  private finish(job: Job, err?: unknown): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    if (job.kind === 'card' && this.cards.get(job.key) === job) this.cards.delete(job.key);
    for (const w of job.waiters) {
      if (err === undefined) w.resolve();
      else w.reject(err);
    }
  }

  private pump(): void {
    this.wake?.();
    if (this.running) return;
    this.running = true;
    void this.work().finally(() => {
      this.running = false;
      if (this.jobs.length > 0 && !this.delivery.isStopped) this.pump();
    });
  }

  /** Until the queue is empty: the first job that may run now, else sleep until one may. */
  private async work(): Promise<void> {
    while (this.jobs.length > 0 && !this.delivery.isStopped) {
      const now = this.delivery.now();
      // New cards first: edits and thread replies of cards already shown can wait their turn.
      const job = this.jobs.find((j) => j.notBefore <= now && j.kind === 'card' && j.needsPost) ?? this.jobs.find((j) => j.notBefore <= now);
      if (!job) {
        const soonest = Math.min(...this.jobs.map((j) => j.notBefore));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, soonest - now);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        continue;
      }
      try {
        const outcome = job.kind === 'card' ? await this.runCard(job) : await this.runPost(job);
        if (outcome.done) this.finish(job);
        else job.notBefore = outcome.notBefore;
      } catch (err) {
        const limited = rateLimitOf(err);
        if (limited) {
          this.pausedUntil = this.delivery.now() + limited.retryAfterMs;
          this.deps.logger.info({ channel: this.channel, retryAfterMs: limited.retryAfterMs, waiting: this.jobs.length }, 'Slack rate limit: pausing the channel');
          continue;
        }
        this.deps.logger.warn({ err, channel: this.channel, job: job.kind === 'card' ? job.key : 'post' }, 'alert delivery failed');
        this.finish(job, err);
      }
    }
  }

  /** Waits for the channel's next posting slot (pacing and any Retry-After). */
  private async postSlot(): Promise<void> {
    const wait = Math.max(this.nextPostAt, this.pausedUntil) - this.delivery.now();
    if (wait > 0) await sleep(wait);
    this.nextPostAt = this.delivery.now() + 1000 / this.deps.config.postsPerSecond;
  }

  private async runPost(job: Job & { kind: 'post' }): Promise<Outcome> {
    await this.postSlot();
    await this.deps.client.chat.postMessage({ channel: this.channel, text: job.message.text, blocks: job.message.blocks, ...(job.threadTs ? { thread_ts: job.threadTs } : {}), ...NO_UNFURL });
    return DONE;
  }

  private async runCard(job: Job & { kind: 'card' }): Promise<Outcome> {
    const record = await this.deps.store.getAlert(job.key);
    if (!record) return DONE;
    if (record.channel && record.channel !== this.channel) {
      // Re-routed (the routed channel was unusable): the other lane takes it from here.
      await this.delivery.settle(record);
      return DONE;
    }
    if (!record.ts) {
      const backlog = this.jobs.filter((j) => j.kind === 'card' && j.needsPost);
      // Outrun: more new cards wait than `digestAfter`, or this one has waited for seconds already.
      if (backlog.length > this.deps.config.digestAfter || this.delivery.now() - job.enqueuedAt > DIGEST_AFTER_WAIT_MS) {
        const group = backlog.filter((j) => (j as typeof job).group === job.group) as Array<typeof job>;
        if (group.length >= 2) return this.postDigest(job, group);
      }
      return this.postCard(record);
    }
    if (record.cardRev >= record.contentRev && record.notes.length === 0) return DONE;
    return record.digestId ? this.updateDigest(record.digestId) : this.updateCard(record);
  }

  /** Takes the posting lease of an alert without a card; undefined when another replica holds it. */
  private async lease(key: string): Promise<AlertRecord | undefined> {
    const now = this.delivery.now();
    const { owner } = this.delivery;
    const record = await updateAlert(this.deps.store, key, (current) => {
      if (current.ts) return undefined;
      const lease = current.postingLease;
      if (lease && lease.owner !== owner && Date.parse(lease.until) > now) return undefined;
      return { ...current, postingLease: { owner, until: new Date(now + POSTING_LEASE_MS).toISOString() } };
    });
    return record && !record.ts && record.postingLease?.owner === owner ? record : undefined;
  }

  private async leaseHeldElsewhere(key: string): Promise<Outcome> {
    const record = await this.deps.store.getAlert(key);
    if (!record || record.ts) return record && record.cardRev < record.contentRev ? { done: false, notBefore: 0 } : DONE;
    const until = record.postingLease ? Date.parse(record.postingLease.until) : 0;
    return { done: false, notBefore: Math.min(until, this.delivery.now() + 2_000) };
  }

  private async postCard(record: AlertRecord): Promise<Outcome> {
    const leased = await this.lease(record.key);
    if (!leased) return this.leaseHeldElsewhere(record.key);
    const unusable = await this.delivery.refusalCode(this.channel);
    if (unusable) return this.reroute(leased, unusable);
    const card = alertCard(leased, this.delivery.runbook(leased));
    await this.postSlot();
    let posted: { channel?: string; ts?: string };
    try {
      posted = await this.deps.client.chat.postMessage({ channel: this.channel, text: card.text, blocks: card.blocks, ...NO_UNFURL });
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && CHANNEL_UNUSABLE.has(code)) {
        this.delivery.reportUnusable(this.channel, code);
        return this.reroute(leased, code);
      }
      throw err;
    }
    const written = await this.recordCard([leased], { channel: posted.channel ?? this.channel, ts: posted.ts! });
    for (const r of written) this.deps.onCardPosted?.(r);
    return written.some((r) => r.cardRev < r.contentRev || r.notes.length > 0) ? { done: false, notBefore: 0 } : DONE;
  }

  /** Notes the card's place on each alert it shows; content shown up to the revision rendered. */
  private async recordCard(rendered: readonly AlertRecord[], where: { channel: string; ts: string; digestId?: string }): Promise<AlertRecord[]> {
    const written = await Promise.all(
      rendered.map((r) =>
        updateAlert(this.deps.store, r.key, (current) => ({
          ...current,
          channel: where.channel,
          ts: where.ts,
          ...(where.digestId ? { digestId: where.digestId } : {}),
          cardRev: r.contentRev,
          postingLease: undefined,
          // Notes from before the card existed are on it already; later ones still need a reply.
          notes: current.notes.slice(r.notes.length),
        })),
      ),
    );
    return written.filter((r): r is AlertRecord => r !== undefined);
  }

  /** The routed channel is unusable: the alert goes to the default channel, or waits for a retry. */
  private async reroute(record: AlertRecord, code: string): Promise<Outcome> {
    const fallback = this.deps.config.defaultChannel;
    const release = (current: AlertRecord) => ({ ...current, postingLease: undefined });
    if (!fallback || fallback === this.channel || this.delivery.unusableCode(fallback) !== undefined) {
      await updateAlert(this.deps.store, record.key, release);
      throw new Error(`cannot post in ${this.channel} (${code}) and there is no usable alerts.defaultChannel`);
    }
    const moved = await updateAlert(this.deps.store, record.key, (current) => (current.ts ? undefined : { ...release(current), channel: fallback }));
    if (moved) await this.delivery.settle(moved);
    return DONE;
  }

  private async postDigest(head: Job & { kind: 'card' }, group: Array<Job & { kind: 'card' }>): Promise<Outcome> {
    if (await this.delivery.refusalCode(this.channel)) {
      // Nothing may be posted here: each card goes its own way (re-routed).
      const record = await this.deps.store.getAlert(head.key);
      return record && !record.ts ? this.postCard(record) : DONE;
    }
    const leased = (await Promise.all(group.map((j) => this.lease(j.key)))).filter((r): r is AlertRecord => r !== undefined);
    if (leased.length < 2) {
      // Others are posting most of them; release ours and go one by one.
      await Promise.all(leased.map((r) => updateAlert(this.deps.store, r.key, (c) => (c.postingLease?.owner === this.delivery.owner ? { ...c, postingLease: undefined } : undefined))));
      const record = await this.deps.store.getAlert(head.key);
      return record && !record.ts ? this.postCard(record) : DONE;
    }
    const digestId = randomUUID();
    const members = leased.map((r) => ({ ...r, digestId }));
    const card = digestCard({ digestId, members, runbook: this.delivery.runbook(members[0]) });
    await this.postSlot();
    let posted: { channel?: string; ts?: string };
    try {
      posted = await this.deps.client.chat.postMessage({ channel: this.channel, text: card.text, blocks: card.blocks, ...NO_UNFURL });
    } catch (err) {
      await Promise.all(leased.map((r) => updateAlert(this.deps.store, r.key, (c) => (c.postingLease?.owner === this.delivery.owner ? { ...c, postingLease: undefined } : undefined))));
      throw err;
    }
    const written = await this.recordCard(members, { channel: posted.channel ?? this.channel, ts: posted.ts!, digestId });
    this.deps.logger.info({ channel: this.channel, digestId, alerts: written.length, group: head.group }, 'posted a digest card');
    for (const r of written) this.deps.onCardPosted?.(r);
    // The members' own jobs are done with the digest; the head's job is finished by the caller,
    // unless another replica holds the head's lease: then it waits for that card like any other.
    for (const job of group) if (job !== head && written.some((r) => r.key === job.key)) this.finish(job);
    return written.some((r) => r.key === head.key) ? DONE : this.leaseHeldElsewhere(head.key);
  }

  private async updateCard(record: AlertRecord): Promise<Outcome> {
    if (record.cardRev < record.contentRev) {
      const card = alertCard(record, this.delivery.runbook(record));
      await this.delivery.updateSlot();
      try {
        await this.deps.client.chat.update({ channel: record.channel!, ts: record.ts!, text: card.text, blocks: card.blocks });
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code || !CARD_GONE.has(code)) throw err;
        // Someone deleted the card: post it again rather than lose the alert.
        await updateAlert(this.deps.store, record.key, (c) => (c.ts === record.ts ? { ...c, ts: undefined, cardRev: 0 } : undefined));
        return { done: false, notBefore: 0 };
      }
    }
    if (record.notes.length > 0) {
      await this.postSlot();
      const reply = noteReply(record.notes.join('\n'));
      await this.deps.client.chat.postMessage({ channel: record.channel!, thread_ts: record.ts!, text: reply.text, blocks: reply.blocks, ...NO_UNFURL });
    }
    const written = await updateAlert(this.deps.store, record.key, (current) => ({ ...current, cardRev: Math.max(current.cardRev, record.contentRev), notes: current.notes.slice(record.notes.length) }));
    return written && (written.cardRev < written.contentRev || written.notes.length > 0) ? { done: false, notBefore: 0 } : DONE;
  }

  /** Re-renders a digest card from its alerts; the waiting jobs of its other alerts are done with it. */
  private async updateDigest(digestId: string): Promise<Outcome> {
    const members = await this.deps.store.digestAlerts(digestId);
    if (members.length === 0) return DONE;
    const { channel, ts } = members[0];
    const card = digestCard({ digestId, members, runbook: this.delivery.runbook(members[0]) });
    await this.delivery.updateSlot();
    await this.deps.client.chat.update({ channel: channel!, ts: ts!, text: card.text, blocks: card.blocks });
    // Updates of digested alerts show on the digest card; their notes would only flood its thread.
    const written = await Promise.all(
      members
        .filter((m) => m.cardRev < m.contentRev || m.notes.length > 0)
        .map((m) => updateAlert(this.deps.store, m.key, (c) => ({ ...c, cardRev: Math.max(c.cardRev, m.contentRev), notes: c.notes.slice(m.notes.length) }))),
    );
    // Alerts changed again since the rendering keep their jobs; the others are shown.
    const stale = new Set(written.filter((r) => r && r.cardRev < r.contentRev).map((r) => r!.key));
    const shown = new Set(members.map((m) => m.key).filter((key) => !stale.has(key)));
    for (const job of [...this.jobs]) if (job.kind === 'card' && shown.has(job.key) && !job.needsPost) this.finish(job);
    return stale.size > 0 ? { done: false, notBefore: 0 } : DONE;
  }
}
