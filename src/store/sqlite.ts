import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Attestation, Decisions, ResourceException } from '../core/decisions';
import type { ScanReport } from '../engine/scan';
import { compactScan, gunzipJson, gzipJson, type CompactResult, type CompactScan, type HistoryQuery, type ScanHistoryEntry } from './history';
import { assertNextRev, assertStorable, exceptionSubject, LockingStore, type AlertRecord, type AlertState, type AuditEntry, type LockCondition, type Store } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scans (
  account_id TEXT PRIMARY KEY,
  generated_at TEXT NOT NULL,
  report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
  key TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  channel TEXT,
  ts TEXT,
  digest_id TEXT,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, created_at);
CREATE INDEX IF NOT EXISTS alerts_by_digest ON alerts (digest_id) WHERE digest_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_target ON audit (target, id);
CREATE TABLE IF NOT EXISTS scan_history (
  account_id TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  entry TEXT NOT NULL,
  results BLOB NOT NULL,
  PRIMARY KEY (account_id, generated_at)
);
CREATE INDEX IF NOT EXISTS scan_history_by_time ON scan_history (generated_at);
CREATE TABLE IF NOT EXISTS decisions (
  account_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, subject)
);
CREATE TABLE IF NOT EXISTS locks (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/**
 * How long a statement waits for another process holding the file's lock before it fails. The
 * wait blocks the event loop (the driver is synchronous), so it is short: a clear error beats
 * missed acknowledgements.
 */
const BUSY_TIMEOUT_MS = 500;

/** `wal` on a local disk; `delete` where the file system cannot share memory between processes (NFS, EFS, SMB). */
export type SqliteJournal = 'wal' | 'delete';

type AlertRow = [key: string, rev: number, state: string, createdAt: string, channel: string | null, ts: string | null, digestId: string | null, record: string];

function alertRow(record: AlertRecord): AlertRow {
  return [record.key, record.rev, record.state, record.createdAt, record.channel ?? null, record.ts ?? null, record.digestId ?? null, JSON.stringify(record)];
}

/** The default store: one embedded SQLite file (or `:memory:`), shared by the processes of one host. */
export class SqliteStore extends LockingStore implements Store {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string, now: () => Date = () => new Date(), options: { journal?: SqliteJournal } = {}) {
    super(now);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // WAL: readers (another process inspecting the file) never block the bot's writes. It needs
    // shared memory between the processes, which network file systems do not give: `delete` there.
    this.db.pragma(`journal_mode = ${options.journal === 'delete' ? 'DELETE' : 'WAL'}`);
    this.db.exec(SCHEMA);
    this.statements = {
      getScan: this.db.prepare<[string], { report: string }>('SELECT report FROM scans WHERE account_id = ?'),
      getScanAt: this.db.prepare<[string], { generated_at: string }>('SELECT generated_at FROM scans WHERE account_id = ?'),
      putScan: this.db.prepare<[string, string, string]>(
        'INSERT INTO scans (account_id, generated_at, report) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET generated_at = excluded.generated_at, report = excluded.report',
      ),
      get: this.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?'),
      put: this.db.prepare<[string, string, string]>(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
      getAlert: this.db.prepare<[string], { record: string }>('SELECT record FROM alerts WHERE key = ?'),
      insertAlert: this.db.prepare<AlertRow>(
        'INSERT INTO alerts (key, rev, state, created_at, channel, ts, digest_id, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING',
      ),
      updateAlert: this.db.prepare<[number, string, string, string | null, string | null, string | null, string, string, number]>(
        'UPDATE alerts SET rev = ?, state = ?, created_at = ?, channel = ?, ts = ?, digest_id = ?, record = ? WHERE key = ? AND rev = ?',
      ),
      digestAlerts: this.db.prepare<[string], { record: string }>('SELECT record FROM alerts WHERE digest_id = ? ORDER BY created_at, key'),
      appendAudit: this.db.prepare<[string, string, string, string, string | null]>('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      auditTrail: this.db.prepare<[string], { at: string; actor: string; action: string; target: string; detail: string | null }>(
        'SELECT at, actor, action, target, detail FROM audit WHERE target = ? ORDER BY id',
      ),
      putHistory: this.db.prepare<[string, string, string, Buffer]>(
        'INSERT INTO scan_history (account_id, generated_at, entry, results) VALUES (?, ?, ?, ?) ON CONFLICT(account_id, generated_at) DO UPDATE SET entry = excluded.entry, results = excluded.results',
      ),
      history: this.db.prepare<[string, string, string, number], { entry: string }>(
        'SELECT entry FROM scan_history WHERE account_id = ? AND generated_at >= ? AND generated_at <= ? ORDER BY generated_at DESC LIMIT ?',
      ),
      historicScan: this.db.prepare<[string, string], { entry: string; results: Buffer }>('SELECT entry, results FROM scan_history WHERE account_id = ? AND generated_at = ?'),
      pruneHistory: this.db.prepare<[string]>('DELETE FROM scan_history WHERE generated_at < ?'),
      // Inserts a free lock, or takes over an expired one (or, when the 5th parameter is 1, the owner's own).
      takeLock: this.db.prepare<[string, string, number, number, number]>(
        'INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE locks.expires_at < ? OR (? = 1 AND locks.owner = excluded.owner)',
      ),
      extendLock: this.db.prepare<[number, string, string, number]>('UPDATE locks SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at >= ?'),
      deleteLock: this.db.prepare<[string, string]>('DELETE FROM locks WHERE name = ? AND owner = ?'),
      putDecision: this.db.prepare<[string, string, string, string]>(
        'INSERT INTO decisions (account_id, kind, subject, record) VALUES (?, ?, ?, ?) ON CONFLICT(account_id, kind, subject) DO UPDATE SET record = excluded.record',
      ),
      accountDecisions: this.db.prepare<[string], { kind: string; record: string }>('SELECT kind, record FROM decisions WHERE account_id = ? ORDER BY kind, subject'),
      allDecisions: this.db.prepare<[], { kind: string; record: string }>('SELECT kind, record FROM decisions ORDER BY account_id, kind, subject'),
    };
  }

  async putAttestation(attestation: Attestation): Promise<void> {
    this.statements.putDecision.run(attestation.accountId, 'attestation', attestation.requirementId, JSON.stringify(attestation));
  }

  async putException(exception: ResourceException): Promise<void> {
    this.statements.putDecision.run(exception.accountId, 'exception', exceptionSubject(exception), JSON.stringify(exception));
  }

  async decisions(accountId?: string): Promise<Decisions> {
    const rows = accountId === undefined ? this.statements.allDecisions.all() : this.statements.accountDecisions.all(accountId);
    return {
      attestations: rows.filter((r) => r.kind === 'attestation').map((r) => JSON.parse(r.record) as Attestation),
      exceptions: rows.filter((r) => r.kind === 'exception').map((r) => JSON.parse(r.record) as ResourceException),
    };
  }

  async lastScan(accountId: string): Promise<ScanReport | undefined> {
    const row = this.statements.getScan.get(accountId);
    return row ? (JSON.parse(row.report) as ScanReport) : undefined;
  }

  async lastScanAt(accountId: string): Promise<string | undefined> {
    return this.statements.getScanAt.get(accountId)?.generated_at;
  }

  async saveScan(accountId: string, report: ScanReport): Promise<void> {
    const { results, ...entry } = compactScan(report);
    const body = await gzipJson(results);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.statements.putScan.run(accountId, report.generatedAt, JSON.stringify(report));
      this.statements.putHistory.run(accountId, entry.generatedAt, JSON.stringify(entry), body);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async scanHistory(accountId: string, query: HistoryQuery = {}): Promise<ScanHistoryEntry[]> {
    // ISO-8601 times sort as text; '~' sorts after every one of them.
    return this.statements.history.all(accountId, query.since?.toISOString() ?? '', query.until?.toISOString() ?? '~', query.limit ?? -1).map((r) => JSON.parse(r.entry) as ScanHistoryEntry);
  }

  async historicScan(accountId: string, generatedAt: string): Promise<CompactScan | undefined> {
    const row = this.statements.historicScan.get(accountId, generatedAt);
    return row ? { ...(JSON.parse(row.entry) as ScanHistoryEntry), results: await gunzipJson<CompactResult[]>(row.results) } : undefined;
  }

  async pruneHistory(before: Date): Promise<number> {
    return this.statements.pruneHistory.run(before.toISOString()).changes;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const row = this.statements.get.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    assertStorable(key, value);
    this.statements.put.run(key, JSON.stringify(value), this.now().toISOString());
  }

  async getAlert(key: string): Promise<AlertRecord | undefined> {
    const row = this.statements.getAlert.get(key);
    return row ? (JSON.parse(row.record) as AlertRecord) : undefined;
  }

  async putAlert(record: AlertRecord, expectedRev: number | undefined): Promise<boolean> {
    assertNextRev(record, expectedRev);
    const row = alertRow(record);
    const [key, ...values] = row;
    const result = expectedRev === undefined ? this.statements.insertAlert.run(...row) : this.statements.updateAlert.run(...values, key, expectedRev);
    return result.changes === 1;
  }

  async listAlerts(query: { states: readonly AlertState[]; limit?: number }): Promise<AlertRecord[]> {
    if (query.states.length === 0) return [];
    const marks = query.states.map(() => '?').join(', ');
    const limit = query.limit ?? -1;
    const rows = this.db
      .prepare<[...string[], number], { record: string }>(`SELECT record FROM alerts WHERE state IN (${marks}) ORDER BY created_at, key LIMIT ?`)
      .all(...query.states, limit);
    return rows.map((r) => JSON.parse(r.record) as AlertRecord);
  }

  async digestAlerts(digestId: string): Promise<AlertRecord[]> {
    return this.statements.digestAlerts.all(digestId).map((r) => JSON.parse(r.record) as AlertRecord);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.statements.appendAudit.run(entry.at, entry.actor, entry.action, entry.target, entry.detail ?? null);
  }

  async auditTrail(target: string): Promise<AuditEntry[]> {
    return this.statements.auditTrail.all(target).map(({ detail, ...rest }) => ({ ...rest, ...(detail !== null ? { detail } : {}) }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  protected async writeLock(name: string, owner: string, expiresAt: Date, when: LockCondition): Promise<boolean> {
    const now = this.now().getTime();
    const result =
      when === 'own'
        ? this.statements.extendLock.run(expiresAt.getTime(), name, owner, now)
        : this.statements.takeLock.run(name, owner, expiresAt.getTime(), now, when === 'freeOrOwn' ? 1 : 0);
    return result.changes === 1;
  }

  protected async deleteLock(name: string, owner: string): Promise<void> {
    this.statements.deleteLock.run(name, owner);
  }
}
