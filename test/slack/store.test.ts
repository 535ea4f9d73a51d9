import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../src/config/load';
import { openStore, sqliteFileOf } from '../../src/store';
import { ACCOUNT, smallReport } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ftr-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the last report per account and JSON values survive a restart', async () => {
  const file = join(dir, 'nested', 'ftr.sqlite');
  const first = openStore(`sqlite://${file}`);
  const older = smallReport(new Date('2024-01-01T00:00:00Z'));
  const newer = smallReport(new Date('2024-02-01T00:00:00Z'));
  await first.saveScan(ACCOUNT, older);
  await first.saveScan(ACCOUNT, newer);
  await first.put('schedule.lastRun', { at: '2024-02-01', ok: true });
  await first.close();

  const second = openStore(file);
  expect(await second.lastScan(ACCOUNT)).toEqual(newer);
  expect(await second.lastScan('210987654321')).toBeUndefined();
  expect(await second.get('schedule.lastRun')).toEqual({ at: '2024-02-01', ok: true });
  expect(await second.get('missing')).toBeUndefined();
  await second.close();
});

test.each([
  [undefined, resolve('/srv/app', 'data/ftr.sqlite')],
  ['', resolve('/srv/app', 'data/ftr.sqlite')],
  ['sqlite:///var/lib/ftr/state.sqlite', '/var/lib/ftr/state.sqlite'],
  ['sqlite://state/ftr.sqlite', resolve('/srv/app', 'state/ftr.sqlite')],
  ['sqlite:state.sqlite', resolve('/srv/app', 'state.sqlite')],
  ['/abs/ftr.sqlite', '/abs/ftr.sqlite'],
  ['sqlite::memory:', ':memory:'],
])('STORE_URL %p is the SQLite file %p', (url, file) => {
  expect(sqliteFileOf(url, '/srv/app')).toBe(file);
});

test('an unsupported STORE_URL scheme is a one-line configuration error', () => {
  expect(() => sqliteFileOf('dynamodb://ftr-state')).toThrow(ConfigError);
  expect(() => sqliteFileOf('dynamodb://ftr-state')).toThrow(/^STORE_URL: unsupported store "dynamodb:"/);
});
