import type { AlertObservation } from '../core/alert';
import type { Attestation, Decisions, ResourceException } from '../core/decisions';
import type { ScanReport } from '../engine/scan';
import type { CompactScan, HistoryQuery, ScanHistoryEntry } from './history';

export type AlertState = 'open' | 'acknowledged' | 'resolved';

/**
 * One alert: the merged observations of one key, its card, and who did what with it. Writes are
 * conditional on `rev`, so that replicas sharing the store never overwrite each other.
 */
export interface AlertRecord {
  key: string;
  /** Row revision: every write increments it by one. */
  rev: number;
  /** Increments whenever what the card shows changes. */
  contentRev: number;
  /** The content revision the card shows; below `contentRev` the card must be edited. */
  cardRev: number;
  state: AlertState;
  alert: AlertObservation;
  /** ISO-8601. */
  createdAt: string;
  /** Where the card is (a digest card's when `digestId` is set). */
  channel?: string;
  ts?: string;
  digestId?: string;
  /** A replica is posting the card until `until` (ISO-8601); others wait. */
  postingLease?: { owner: string; until: string };
  /** The EventBridge event ids already applied (the latest few): a redelivered message changes nothing. */
  eventIds: string[];
  /** Short thread replies not yet posted under the card. */
  notes: string[];
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  /** Escalations posted so far, and when the next one is due (ISO-8601). */
  escalations: number;
  nextEscalationAt?: string;
  /** Set on alerts created by `/ftr drill`. */
  drillId?: string;
}

/** Who did what to which alert, kept for audit. */
export interface AuditEntry {
  /** ISO-8601. */
  at: string;
  /** A Slack user id, or `ftr-bot` / `aws` for automatic changes. */
  actor: string;
  action: string;
  /** The alert key (or digest id) acted on. */
  target: string;
  detail?: string;
}

/**
 * Where the bot keeps state between restarts and shares it between replicas: the last report and
 * the scan history per account, alerts with their audit trail, claims, leases, and a few JSON values.
 */
export interface Store {
  lastScan(accountId: string): Promise<ScanReport | undefined>;
  /** When the account's last report was generated (its `generatedAt`), read without the report: a cheap freshness check. */
  lastScanAt(accountId: string): Promise<string | undefined>;
  /** Replaces the account's last report and adds the scan to its history (once per `generatedAt`). */
  saveScan(accountId: string, report: ScanReport): Promise<void>;
  /** The account's history entries, newest first, without their results. */
  scanHistory(accountId: string, query?: HistoryQuery): Promise<ScanHistoryEntry[]>;
  /** One history entry with its results; `generatedAt` as in `scanHistory`. */
  historicScan(accountId: string, generatedAt: string): Promise<CompactScan | undefined>;
  /** Deletes the history entries, of every account, generated before `before`; resolves to how many. */
  pruneHistory(before: Date): Promise<number>;
  /** A JSON value saved with `put`, or undefined. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;

  getAlert(key: string): Promise<AlertRecord | undefined>;
  /**
   * Writes `record` (whose `rev` must be `expectedRev + 1`, or 1 for a new alert) only if the
   * stored one still has `expectedRev` (undefined: only if there is none). False when another
   * writer got there first: read again and retry.
   */
  putAlert(record: AlertRecord, expectedRev: number | undefined): Promise<boolean>;
  /** Alerts in the given states, oldest first. */
  listAlerts(query: { states: readonly AlertState[]; limit?: number }): Promise<AlertRecord[]>;
  /** The alerts grouped on one digest card. */
  digestAlerts(digestId: string): Promise<AlertRecord[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The audit trail of one alert, digest, attestation or exception (see `decisionTarget`), oldest first. */
  auditTrail(target: string): Promise<AuditEntry[]>;

  /** Records the attestation of its account and requirement, replacing the one before (a revocation is a record too). */
  putAttestation(attestation: Attestation): Promise<void>;
  /** Records the exception of its account, check and resource, replacing the one before. */
  putException(exception: ResourceException): Promise<void>;
  /** The attestations and exceptions recorded for one account (every account when absent), revoked and expired ones included. */
  decisions(accountId?: string): Promise<Decisions>;

  /**
   * Takes `key` for `owner` until `expiresAt`: true for exactly one caller while the claim is
   * alive, so that something scheduled runs once across replicas. Once expired, anyone may take it.
   */
  claim(key: string, owner: string, expiresAt: Date): Promise<boolean>;
  /** Takes the lease `name` for `ttlMs` if it is free, expired, or already `owner`'s (then extends it). */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s live lease by `ttlMs` from now; false when it expired or another owner has it. */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; only its holder can. */
  releaseLease(name: string, owner: string): Promise<void>;

  close(): Promise<void>;
}

/**
 * When a lock write may take the lock: `free` when there is none or it expired (`expiresAt` before
 * now), `freeOrOwn` also when `owner` holds it, `own` only when `owner` holds it and it is alive.
 */
export type LockCondition = 'free' | 'freeOrOwn' | 'own';

/**
 * Claims and leases, which both stores build on one conditional lock write; claims and leases
 * are kept apart by a prefix of the lock name.
 */
export abstract class LockingStore {
  protected constructor(protected readonly now: () => Date) {}

  /** Sets the lock's owner and expiry if `when` holds, atomically; true when it did. */
  protected abstract writeLock(name: string, owner: string, expiresAt: Date, when: LockCondition): Promise<boolean>;
  /** Deletes the lock if `owner` holds it. */
  protected abstract deleteLock(name: string, owner: string): Promise<void>;

  async claim(key: string, owner: string, expiresAt: Date): Promise<boolean> {
    return this.writeLock(`claim#${key}`, owner, expiresAt, 'free');
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.writeLock(`lease#${name}`, owner, this.after(ttlMs), 'freeOrOwn');
  }

  async renewLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.writeLock(`lease#${name}`, owner, this.after(ttlMs), 'own');
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.deleteLock(`lease#${name}`, owner);
  }

  private after(ms: number): Date {
    return new Date(this.now().getTime() + ms);
  }
}

/** What identifies an exception within its account: its check and resource. */
export function exceptionSubject(exception: Pick<ResourceException, 'checkId' | 'resource'>): string {
  return `${exception.checkId}#${exception.resource}`;
}

/** The audit target of an attestation or exception: what `auditTrail` is asked for. */
export function decisionTarget(decision: Attestation | ResourceException): string {
  return 'requirementId' in decision
    ? `attestation#${decision.accountId}#${decision.requirementId}`
    : `exception#${decision.accountId}#${exceptionSubject(decision)}`;
}

/** Refuses a value `put` could not read back. */
export function assertStorable(key: string, value: unknown): void {
  if (value === undefined) throw new TypeError(`store.put(${key}): value must not be undefined`);
}

/** Refuses an alert write whose revision does not follow the one it replaces. */
export function assertNextRev(record: AlertRecord, expectedRev: number | undefined): void {
  if (record.rev !== (expectedRev ?? 0) + 1) throw new RangeError(`putAlert(${record.key}): rev ${record.rev} does not follow ${expectedRev ?? 'none'}`);
}

/**
 * Renews `owner`'s lease every third of its life while work goes on; `warn` hears of a renewal
 * that failed or found the lease lost. Resolves nothing: call the returned function to stop.
 */
export function keepLease(store: Pick<Store, 'renewLease'>, lease: { name: string; owner: string; ttlMs: number }, warn: (what: string, err?: unknown) => void): () => void {
  const timer = setInterval(() => {
    store
      .renewLease(lease.name, lease.owner, lease.ttlMs)
      .then((kept) => kept || warn('the lease was lost: another replica may do the same work'))
      .catch((err: unknown) => warn('could not renew the lease', err));
  }, lease.ttlMs / 3);
  return () => clearInterval(timer);
}
