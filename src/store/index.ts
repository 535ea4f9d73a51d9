import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/load';
import { DynamoStore, DynamoStoreError } from './dynamodb';
import { SqliteStore, type SqliteJournal } from './sqlite';
import type { Store } from './store';

export type { AlertRecord, AlertState, AuditEntry, Store } from './store';
export { decisionTarget, keepLease } from './store';
export { decide, decideFromStore, DecisionInputError, DecisionLog, dayAfter, isoDay, type AttestationInput, type ExceptionInput } from './decisionLog';
export type { CompactResult, CompactScan, HistoryQuery, ScanHistoryEntry } from './history';
export { SqliteStore } from './sqlite';
export { DynamoStore, DynamoStoreError } from './dynamodb';

export const DEFAULT_STORE_FILE = './data/ftr.sqlite';

/** The SQLite file a `STORE_URL` names when it is not there: a command that only reads must not leave an empty one behind. */
export function missingStoreFile(storeUrl: string | undefined): string | undefined {
  if (/^dynamodb:/i.test((storeUrl ?? '').trim())) return undefined;
  const file = sqliteFileOf(storeUrl);
  return file !== ':memory:' && !existsSync(file) ? file : undefined;
}

const DYNAMODB_URL = /^dynamodb:\/\/([^/?#]*)\/?(?:\?([^#]*))?$/i;
const DYNAMODB_TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The SQLite file a `STORE_URL` names: `sqlite:///absolute/path`, `sqlite:relative/path`,
 * `sqlite::memory:`, or a plain file path; a `sqlite:` URL may end in `?journal=delete`.
 */
export function sqliteFileOf(storeUrl: string | undefined, cwd: string = process.cwd()): string {
  const url = sqliteUrlParts(storeUrl).location;
  if (url === 'sqlite::memory:' || url === ':memory:') return ':memory:';
  let path = url;
  if (url.startsWith('sqlite:')) {
    // sqlite:///abs → /abs; sqlite://rel and sqlite:rel → rel
    path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '').replace(/^\/\//, '');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(`STORE_URL: unsupported store "${url.split(':')[0]}:" (use sqlite:///path/to/file.sqlite, a file path, or dynamodb://TABLE?region=REGION)`);
  }
  if (path === '') throw new ConfigError('STORE_URL: the sqlite: URL names no file (e.g. sqlite:///var/lib/ftr/ftr.sqlite)');
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A `sqlite:` URL's location and its `?journal=` parameter. */
function sqliteUrlParts(storeUrl: string | undefined): { location: string; journal: SqliteJournal } {
  const url = (storeUrl ?? '').trim() || DEFAULT_STORE_FILE;
  const query = url.startsWith('sqlite:') ? url.indexOf('?') : -1;
  if (query < 0) return { location: url, journal: 'wal' };
  const params = new URLSearchParams(url.slice(query + 1));
  const unknown = [...params.keys()].find((name) => name !== 'journal');
  if (unknown !== undefined) throw new ConfigError(`STORE_URL: unknown sqlite: parameter "${unknown}" (only journal is known)`);
  const journal = params.get('journal') ?? 'wal';
  if (journal !== 'wal' && journal !== 'delete') throw new ConfigError(`STORE_URL: journal must be wal or delete, not "${journal}"`);
  return { location: url.slice(0, query), journal };
}

/**
 * The DynamoDB table a `dynamodb://TABLE?region=REGION` URL names; without `region`, the SDK's
 * region (AWS_REGION, the profile's).
 */
export function dynamoTableOf(storeUrl: string): { table: string; region?: string } {
  const match = DYNAMODB_URL.exec(storeUrl.trim());
  if (!match) throw new ConfigError('STORE_URL: a DynamoDB store is dynamodb://TABLE or dynamodb://TABLE?region=REGION');
  const [, table, query = ''] = match;
  if (!DYNAMODB_TABLE_NAME.test(table)) {
    throw new ConfigError('STORE_URL: the DynamoDB table name must be 3–255 characters of letters, digits, "_", "." and "-"');
  }
  const params = new URLSearchParams(query);
  const unknown = [...params.keys()].find((name) => name !== 'region');
  if (unknown !== undefined) throw new ConfigError(`STORE_URL: unknown dynamodb:// parameter "${unknown}" (only region is known)`);
  const region = params.get('region');
  if (region === null) return { table };
  if (!REGION_NAME.test(region)) throw new ConfigError(`STORE_URL: "${region}" is not an AWS region name (e.g. ?region=eu-west-1)`);
  return { table, region };
}

/**
 * The store `STORE_URL` names; the default is `./data/ftr.sqlite`. Makes no request: a DynamoDB
 * store whose table is missing fails on first use (`openStoreAsync` checks up front).
 */
export function openStore(storeUrl: string | undefined, cwd?: string): Store {
  const url = (storeUrl ?? '').trim();
  if (/^dynamodb:/i.test(url)) return new DynamoStore(dynamoTableOf(url));
  const file = sqliteFileOf(storeUrl, cwd);
  try {
    return new SqliteStore(file, undefined, { journal: sqliteUrlParts(storeUrl).journal });
  } catch (err) {
    throw new ConfigError(`STORE_URL: cannot open ${file}: ${(err as Error).message}`);
  }
}

/** As `openStore`, and checks a DynamoDB table exists and fits (one DescribeTable), so that start-up fails with one line when not. */
export async function openStoreAsync(storeUrl: string | undefined, cwd?: string): Promise<Store> {
  const store = openStore(storeUrl, cwd);
  if (store instanceof DynamoStore) {
    try {
      await store.checkTable();
    } catch (err) {
      await store.close();
      throw new ConfigError(`STORE_URL: ${(err as Error).message}`);
    }
  }
  return store;
}

/**
 * `ftr store init`: creates what `STORE_URL` names when it is missing (the SQLite file and its
 * schema, the DynamoDB table) and resolves to one line saying what is ready. Idempotent.
 */
export async function initStore(storeUrl: string | undefined, cwd?: string): Promise<string> {
  const store = openStore(storeUrl, cwd);
  try {
    if (!(store instanceof DynamoStore)) return `SQLite store ready: ${sqliteFileOf(storeUrl, cwd)}`;
    const { created, region } = await store.ensureTable();
    return `DynamoDB table "${store.table}" in ${region} ready (${created ? 'created' : 'it existed'})`;
  } finally {
    await store.close();
  }
}

/** What a user is told when the store failed: a DynamoDB error after retries, or a locked SQLite file. */
export function storeFailureReason(err: unknown): string | undefined {
  if (err instanceof DynamoStoreError) {
    return err.code === 'ResourceNotFoundException'
      ? 'the DynamoDB table of STORE_URL does not exist; an operator can create it with `npx ftr store init`.'
      : `the state store (DynamoDB) is not answering (${err.code}); try again in a minute.`;
  }
  const code = (err as { code?: unknown })?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'the SQLite store is locked by another process; try again in a moment.';
  return undefined;
}
