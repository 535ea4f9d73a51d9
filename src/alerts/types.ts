import { ALERT_SEVERITIES, type AlertSeverity } from '../config/alerts';
import type { AlertObservation } from '../core/alert';

export { ALERT_SEVERITIES, ALERT_SOURCES, type AlertSeverity, type AlertSource } from '../config/alerts';
export type { AlertObservation, AlertResource } from '../core/alert';

export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/** An EventBridge event as EventBridge delivers it to an SQS target (the message body). */
export interface EventBridgeEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, any>;
}

/** A bucket's or the account's S3 access settings changed: the bot re-evaluates before alerting. */
export interface BucketChange {
  accountId: string;
  region: string;
  /** Undefined for account-level Block Public Access changes (every bucket of the account). */
  bucket?: string;
  /** What was called or found, e.g. `PutBucketPolicy` or `Access Analyzer finding`. */
  cause: string;
  /** Who did it, when known (an ARN or principal id). */
  actor?: string;
  /** ISO-8601 time of the change. */
  time: string;
  drill?: boolean;
}

/** What an event means for the pipeline. */
export type ParsedEvent =
  | { kind: 'observations'; observations: AlertObservation[] }
  | { kind: 'bucket-change'; change: BucketChange }
  | { kind: 'ignored'; reason: string };

/** A message body that is not an event the bot understands: it belongs in the dead-letter queue. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** Event ids of `/ftr drill` sample events start with this. */
export const DRILL_EVENT_PREFIX = 'ftr-drill-';
