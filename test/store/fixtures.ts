import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { DynamoStore, SqliteStore, type AlertRecord, type AlertState, type Store } from '../../src/store';
import { resetMoto } from '../support/aws';
import { ACCOUNT, smallReport } from '../slack/fixtures';

export { ACCOUNT, smallReport };

/** Where one test's state lives; `open` gives another store on it, as another replica would, on the given clock. */
export interface Backing {
  open(now?: () => Date): Store;
  dispose(): Promise<void>;
}

export async function sqliteBacking(): Promise<Backing> {
  const dir = mkdtempSync(join(tmpdir(), 'ftr-store-'));
  return { open: (now) => new SqliteStore(join(dir, 'ftr.sqlite'), now), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A DynamoDB store on this worker's moto, quick to give up when moto is not there. */
export function dynamoStore(table: string, now?: () => Date): DynamoStore {
  return new DynamoStore({ table, region: 'us-east-1', maxAttempts: 2, requestTimeoutMs: 10_000, now });
}

export async function dynamoBacking(): Promise<Backing> {
  await resetMoto();
  const table = 'ftr-state';
  const setup = dynamoStore(table);
  await setup.ensureTable();
  await setup.close();
  return { open: (now) => dynamoStore(table, now), dispose: async () => undefined };
}

/**
 * A report of `count` results whose messages and resources are random, so that it stays large
 * once compressed (real reports have as many distinct ARNs and messages).
 */
export function largeReport(count: number, generatedAt = new Date()): ScanReport {
  const results: CheckResult[] = Array.from({ length: count }, (_, i) => ({
    checkId: `check_${i % 97}`,
    refs: [`FTR-${(i % 12) + 1}.1`],
    status: i % 3 === 0 ? 'FAIL' : 'PASS',
    severity: 'medium',
    accountId: ACCOUNT,
    region: 'eu-west-1',
    resource: `arn:aws:s3:::bucket-${randomBytes(12).toString('hex')}`,
    message: `Résultat ${i} — ${randomBytes(36).toString('base64')}`,
    ...(i % 3 === 0 ? { remediation: 'Fix it.' } : {}),
  }));
  return { ...smallReport(generatedAt), results };
}

export function alertRecord(key: string, fields: { rev?: number; state?: AlertState; createdAt?: string; digestId?: string; title?: string } = {}): AlertRecord {
  const createdAt = fields.createdAt ?? '2024-05-01T10:00:00.000Z';
  return {
    key,
    rev: fields.rev ?? 1,
    contentRev: 1,
    cardRev: 0,
    state: fields.state ?? 'open',
    alert: {
      key,
      source: 'guardduty',
      severity: 'high',
      title: fields.title ?? `Finding ${key}`,
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      resource: { kind: 'instance', id: 'i-0123456789abcdef0' },
      accountId: ACCOUNT,
      region: 'us-east-1',
      firstSeen: createdAt,
      lastSeen: createdAt,
      count: 1,
      version: createdAt,
    },
    createdAt,
    ...(fields.digestId ? { digestId: fields.digestId, channel: 'C0ALERTS01', ts: '1714557600.000100' } : {}),
    eventIds: ['evt-1'],
    notes: [],
    escalations: 0,
  };
}
