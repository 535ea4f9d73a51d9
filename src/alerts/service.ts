import type { AlertsConfig } from '../config/alerts';
import type { Logger } from '../slack/logger';
import type { AlertRecord, Store } from '../store';
import type { CardDelivery } from './deliver';
import { acknowledged, mergeObservation, newAlertRecord, resolved, updateAlert } from './records';
import { routeAlert } from './route';
import { parseEvent } from './sources';
import { DRILL_EVENT_PREFIX, type AlertObservation, type BucketChange } from './types';

/** What a person did to an alert, for the audit trail and for reflecting it in AWS. */
export type AlertAction = 'acknowledge' | 'resolve';

export interface AlertServiceDeps {
  store: Store;
  config: AlertsConfig;
  delivery: CardDelivery;
  /** Re-evaluates the bucket(s) of a change with the scan's exposure logic: public now → alert; private → resolves. */
  evaluateBuckets: (change: BucketChange) => Promise<AlertObservation[]>;
  /** Mirrors a person's action in AWS (Security Hub workflow, GuardDuty archive), when configured. */
  reflect?: (record: AlertRecord, action: AlertAction) => Promise<void>;
  /** Told when a drill's alert is acknowledged. */
  onAcknowledged?: (record: AlertRecord) => void;
  logger: Logger;
  now: () => Date;
}

/** The result of a person's action on an alert or a digest. */
export interface ActionResult {
  /** Alerts changed by this action. */
  changed: AlertRecord[];
  /** Alerts that were already past that state, with who got there first. */
  already: AlertRecord[];
}

/**
 * The alert pipeline between the queue and Slack: an event becomes observations (re-evaluating
 * buckets first), each observation is merged into its alert by conditional writes (so that
 * redeliveries and replicas change nothing twice), and the card is brought up to date.
 */
export class AlertService {
  constructor(private readonly deps: AlertServiceDeps) {}

  private get escalateAfterMs(): number | undefined {
    const { escalation } = this.deps.config;
    return escalation.mention ? escalation.afterMinutes * 60_000 : undefined;
  }

  /**
   * Handles one queue message. Resolves when every card it concerns shows it; throws
   * MalformedEventError for a body that belongs in the dead-letter queue, anything else when it
   * should be tried again later.
   */
  async handle(body: string): Promise<void> {
    const parsed = parseEvent(body);
    if (parsed.kind === 'ignored') {
      this.deps.logger.debug({ reason: parsed.reason }, 'event ignored');
      return;
    }
    const eventId = (JSON.parse(body) as { id: string }).id;
    const observations = parsed.kind === 'bucket-change' ? await this.deps.evaluateBuckets(parsed.change) : parsed.observations;
    const drillId = eventId.startsWith(DRILL_EVENT_PREFIX) ? eventId.slice(DRILL_EVENT_PREFIX.length) : undefined;
    const records = await Promise.all(observations.map((o) => this.apply(o, eventId, drillId)));
    await Promise.all(records.filter((r): r is AlertRecord => r !== undefined).map((r) => this.deps.delivery.settle(r)));
  }

  /** Merges one observation into its alert; the record to show, or undefined when there is nothing to show. */
  async apply(observation: AlertObservation, eventId: string, drillId?: string): Promise<AlertRecord | undefined> {
    const { store, config, logger } = this.deps;
    for (;;) {
      const now = this.deps.now();
      const existing = await store.getAlert(observation.key);
      if (existing) {
        return updateAlert(store, observation.key, (current) => mergeObservation(current, observation, eventId, now, this.escalateAfterMs));
      }
      // Nothing open to close.
      if (observation.resolved) return undefined;
      const channel = routeAlert(observation, config);
      if (!channel) {
        logger.error({ key: observation.key, source: observation.source, account: observation.accountId }, 'no alert route matches and alerts.defaultChannel is not set: the alert is kept in the store only');
      }
      const record = newAlertRecord({ observation, eventId, channel, now, escalateAfterMs: this.escalateAfterMs, drillId });
      if (await store.putAlert(record, undefined)) {
        logger.info({ key: record.key, channel, severity: observation.severity, type: observation.type }, 'new alert');
        return record;
      }
      // Another replica created it meanwhile: merge into theirs.
    }
  }

  /** Acknowledge (open → acknowledged) or resolve one alert, or every alert of a digest. */
  async act(input: { action: AlertAction; userId: string; key?: string; digestId?: string }): Promise<ActionResult> {
    const { store, logger } = this.deps;
    const keys = input.digestId ? (await store.digestAlerts(input.digestId)).map((r) => r.key) : input.key ? [input.key] : [];
    const result: ActionResult = { changed: [], already: [] };
    for (const key of keys) {
      let changed = false;
      const now = this.deps.now();
      const record = await updateAlert(store, key, (current) => {
        const next = input.action === 'acknowledge' ? acknowledged(current, input.userId, now) : resolved(current, input.userId, now);
        changed = next !== undefined;
        return next;
      });
      if (!record) continue;
      if (!changed) {
        result.already.push(record);
        continue;
      }
      result.changed.push(record);
      await store.appendAudit({ at: now.toISOString(), actor: input.userId, action: input.action, target: key, ...(input.digestId ? { detail: `digest ${input.digestId}` } : {}) });
      if (input.action === 'acknowledge') this.deps.onAcknowledged?.(record);
      if (this.deps.reflect) await this.deps.reflect(record, input.action).catch((err) => logger.warn({ err, key }, 'could not reflect the action in AWS'));
    }
    if (input.digestId) await store.appendAudit({ at: this.deps.now().toISOString(), actor: input.userId, action: `${input.action} all`, target: input.digestId, detail: `${result.changed.length} alerts` });
    // One card edit shows them all (a digest re-renders once).
    const shown = input.digestId ? result.changed.slice(0, 1) : result.changed;
    await Promise.all(shown.map((r) => this.deps.delivery.settle(r)));
    return result;
  }
}
