import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ScanReport } from '../engine/scan';
import type { Store } from './store';

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
`;

/** The default store: one embedded SQLite file (or `:memory:`). */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL: readers (another process inspecting the file) never block the bot's writes.
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.statements = {
      getScan: this.db.prepare<[string], { report: string }>('SELECT report FROM scans WHERE account_id = ?'),
      putScan: this.db.prepare<[string, string, string]>(
        'INSERT INTO scans (account_id, generated_at, report) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET generated_at = excluded.generated_at, report = excluded.report',
      ),
      get: this.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?'),
      put: this.db.prepare<[string, string, string]>(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
    };
  }

  async lastScan(accountId: string): Promise<ScanReport | undefined> {
    const row = this.statements.getScan.get(accountId);
    return row ? (JSON.parse(row.report) as ScanReport) : undefined;
  }

  async saveScan(accountId: string, report: ScanReport): Promise<void> {
    this.statements.putScan.run(accountId, report.generatedAt, JSON.stringify(report));
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const row = this.statements.get.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    if (value === undefined) throw new TypeError(`store.put(${key}): value must not be undefined`);
    this.statements.put.run(key, JSON.stringify(value), new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
