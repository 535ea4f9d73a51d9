import type { AlertSeverity, AlertSource } from '../config/alerts';

/** What the alert is about, as the card names it. */
export interface AlertResource {
  kind: 'bucket' | 'instance' | 'access-key' | 'principal' | 'account' | 'other';
  /** Bucket name, instance id, access key id, principal ARN or name, … */
  id: string;
  /** A second line of detail, e.g. "user alice" for an access key. */
  detail?: string;
}

/**
 * What one event says about one alert. The store merges observations of the same `key` into
 * one alert (one card); `version` orders them.
 */
export interface AlertObservation {
  /** Stable across updates and redeliveries: `guardduty:<finding id>`, `securityhub:<id>`, `s3-public:<account>:<bucket>`, `root-login:<event id>`. At most 200 characters. */
  key: string;
  source: AlertSource;
  severity: AlertSeverity;
  /** What happened, in one line (AWS text, not yet escaped). */
  title: string;
  /** The finding type, e.g. `UnauthorizedAccess:EC2/SSHBruteForce`; for bucket and sign-in alerts a fixed type. */
  type: string;
  resource: AlertResource;
  accountId: string;
  region: string;
  /** ISO-8601. */
  firstSeen: string;
  lastSeen: string;
  /** How many times the source saw it (GuardDuty's `service.count`; 1 otherwise). */
  count: number;
  /** Orders updates of one alert: ISO time of the source's last update (a later one supersedes; equal or older changes nothing). */
  version: string;
  /** Longer AWS text, shown under the title when present. */
  description?: string;
  consoleUrl?: string;
  /** Set when the event says the finding is over (archived, resolved, suppressed, or the bucket is private again). */
  resolved?: boolean;
  /** A sample event put through the pipeline by `/ftr drill`. */
  drill?: boolean;
  /** The AWS finding behind the alert, to mirror acknowledge/resolve in AWS. */
  finding?: { id: string; arn?: string; productArn?: string };
}
