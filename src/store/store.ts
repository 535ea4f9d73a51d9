import type { ScanReport } from '../engine/scan';

/**
 * Where the bot keeps state between restarts. Deliberately small (the last report per account
 * and a few JSON values) so that a DynamoDB implementation is a page of code.
 */
export interface Store {
  lastScan(accountId: string): Promise<ScanReport | undefined>;
  saveScan(accountId: string, report: ScanReport): Promise<void>;
  /** A JSON value saved with `put`, or undefined. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}
