import type { AlertsConfig } from '../config/alerts';
import type { Logger } from '../slack/logger';
import type { AlertRecord, Store } from '../store';
import { escalationReply } from './cards';
import type { CardDelivery } from './deliver';
import { updateAlert } from './records';

const DEFAULT_TICK_MS = 30_000;

/**
 * Mentions the on-call group under cards that nobody acknowledged within
 * `alerts.escalation.afterMinutes`, then again every as long, at most `repeat` more times.
 * Each escalation is claimed by a conditional write, so that replicas never mention twice.
 */
export class Escalator {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<number>;

  constructor(
    private readonly deps: { store: Store; config: AlertsConfig; delivery: CardDelivery; logger: Logger; now: () => Date; tickMs?: number },
  ) {}

  start(): void {
    if (!this.deps.config.escalation.mention) return;
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Escalates what is due now; resolves to the number of cards mentioned under. */
  tick(): Promise<number> {
    this.ticking ??= this.escalateDue()
      .catch((err) => {
        this.deps.logger.warn({ err }, 'escalation round failed; trying again next round');
        return 0;
      })
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private isDue(record: AlertRecord, now: Date): boolean {
    const { repeat } = this.deps.config.escalation;
    return record.state === 'open' && Boolean(record.ts) && record.nextEscalationAt !== undefined && record.nextEscalationAt <= now.toISOString() && record.escalations <= repeat;
  }

  private async escalateDue(): Promise<number> {
    const { store, config, delivery } = this.deps;
    const { mention, afterMinutes, repeat } = config.escalation;
    if (!mention) return 0;
    const now = this.deps.now();
    const due = (await store.listAlerts({ states: ['open'] })).filter((r) => this.isDue(r, now));
    const claimed: AlertRecord[] = [];
    for (const record of due) {
      let mine = false;
      const written = await updateAlert(store, record.key, (current) => {
        mine = this.isDue(current, now);
        if (!mine) return undefined;
        const escalations = current.escalations + 1;
        const next = escalations <= repeat ? new Date(now.getTime() + afterMinutes * 60_000).toISOString() : undefined;
        return { ...current, escalations, nextEscalationAt: next, contentRev: current.contentRev + 1 };
      });
      if (mine && written) claimed.push(written);
    }
    // One mention per card: a digest's alerts share theirs.
    const byCard = new Map<string, AlertRecord[]>();
    for (const r of claimed) byCard.set(`${r.channel}|${r.ts}`, [...(byCard.get(`${r.channel}|${r.ts}`) ?? []), r]);
    await Promise.all(
      [...byCard.values()].map(async (records) => {
        const [first] = records;
        const minutes = (now.getTime() - Date.parse(first.createdAt)) / 60_000;
        await delivery.post(first.channel!, escalationReply({ mention, minutes, title: first.alert.title, count: records.length }), first.ts);
        await store.appendAudit({ at: now.toISOString(), actor: 'ftr-bot', action: 'escalate', target: first.digestId ?? first.key, detail: `mentioned ${mention}` });
        await delivery.settle(first);
      }),
    );
    if (byCard.size > 0) this.deps.logger.info({ cards: byCard.size, alerts: claimed.length }, 'escalated unacknowledged alerts');
    return byCard.size;
  }
}
