import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/load';
import { SqliteStore } from './sqlite';
import type { Store } from './store';

export type { AlertRecord, AlertState, AuditEntry, Store } from './store';
export { SqliteStore } from './sqlite';

export const DEFAULT_STORE_FILE = './data/ftr.sqlite';

/**
 * The SQLite file a `STORE_URL` names: `sqlite:///absolute/path`, `sqlite:relative/path`,
 * `sqlite::memory:`, or a plain file path. Other schemes are not implemented yet.
 */
export function sqliteFileOf(storeUrl: string | undefined, cwd: string = process.cwd()): string {
  const url = (storeUrl ?? '').trim() || DEFAULT_STORE_FILE;
  if (url === 'sqlite::memory:' || url === ':memory:') return ':memory:';
  let path = url;
  if (url.startsWith('sqlite:')) {
    // sqlite:///abs → /abs; sqlite://rel and sqlite:rel → rel
    path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '').replace(/^\/\//, '');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(`STORE_URL: unsupported store "${url.split(':')[0]}:" (use sqlite:///path/to/file.sqlite or a file path)`);
  }
  if (path === '') throw new ConfigError('STORE_URL: the sqlite: URL names no file (e.g. sqlite:///var/lib/ftr/ftr.sqlite)');
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The store `STORE_URL` names; the default is `./data/ftr.sqlite`. */
export function openStore(storeUrl: string | undefined, cwd?: string): Store {
  const file = sqliteFileOf(storeUrl, cwd);
  try {
    return new SqliteStore(file);
  } catch (err) {
    throw new ConfigError(`STORE_URL: cannot open ${file}: ${(err as Error).message}`);
  }
}
