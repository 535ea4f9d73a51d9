import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { catalog } from '../../src/checks/catalog';
import { main } from '../../src/cli/main';
import { automatedRequirements } from '../../src/core/posture';
import { requirements } from '../../src/core/requirements';
import type { CheckResult, Status } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { SqliteStore } from '../../src/store';
import { ACCOUNT, smallReport } from '../store/fixtures';

const NOW = new Date('2026-11-01T12:00:00.000Z');
const OTHER_ACCOUNT = '210987654321';
const TOTAL = requirements().all.length;
const automated = automatedRequirements(catalog);
const AUTOMATED_TOTAL = automated.size;
/** Requirements some check judges from AWS: met ones count as automated met too. */
const passable = [...automated];

/** A report in which the first `met` automated requirements pass and one fails, plus extra results of the given statuses. */
function reportAt(generatedAt: string, met: number, extra: Status[] = []): ScanReport {
  const base = smallReport(new Date(generatedAt));
  const result = (refs: string[], status: Status, i: number): CheckResult => ({ ...base.results[0], checkId: `check_${i}`, refs, status, resource: `arn:aws:s3:::bucket-${i}` });
  const results = [
    ...passable.slice(0, met).map((id, i) => result([id], 'PASS', i)),
    result([passable[met]], 'FAIL', met),
    ...extra.map((status, i) => result([passable[met + 1 + i]], status, met + 1 + i)),
  ];
  const summary = { ...base.summary, PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 };
  for (const r of results) summary[r.status] += 1;
  return { ...base, summary, results };
}

const HISTORY = [
  reportAt('2026-09-20T09:00:00.000Z', 3),
  reportAt('2026-10-05T09:00:00.000Z', 5),
  reportAt('2026-10-12T09:00:00.000Z', 4),
  reportAt('2026-10-19T09:00:00.000Z', 4),
  reportAt('2026-10-26T09:00:00.000Z', 7, ['ERROR', 'MANUAL', 'MANUAL']),
];

let dir: string;
let storeFile: string;
let savedStoreUrl: string | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftr-history-'));
  storeFile = join(dir, 'ftr.sqlite');
  const store = new SqliteStore(storeFile);
  for (const report of HISTORY) await store.saveScan(ACCOUNT, report);
  await store.close();
  savedStoreUrl = process.env.STORE_URL;
  process.env.STORE_URL = `sqlite://${storeFile}`;
});

afterEach(() => {
  if (savedStoreUrl === undefined) delete process.env.STORE_URL;
  else process.env.STORE_URL = savedStoreUrl;
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

/** Runs `ftr history …` in this process on the fixed clock, capturing what it prints. */
async function history(...args: string[]) {
  let stdout = '';
  let stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['history', ...args], { now: () => NOW });
    return { code, stdout, stderr };
  } finally {
    jest.restoreAllMocks();
  }
}

/** The table's data rows as cells (the title and column header left out). */
const tableRows = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(2)
    .map((line) => line.split(/\s{2,}/));

describe('ftr history', () => {
  it('prints one aligned row per scan, oldest first, with the change in requirements met', async () => {
    const { code, stdout, stderr } = await history('--account', ACCOUNT, '--since', '2026-10-01');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Scan history of ${ACCOUNT} since 2026-10-01 00:00 UTC, oldest first`);
    expect(lines[1].split(/\s{2,}/)).toEqual(['generated (UTC)', 'requirements', 'automated', 'FAIL', 'ERROR', 'MANUAL', 'PASS', 'change']);
    expect(tableRows(stdout)).toEqual([
      ['2026-10-05 09:00', `5/${TOTAL}`, `5/${AUTOMATED_TOTAL}`, '1', '0', '0', '5'],
      ['2026-10-12 09:00', `4/${TOTAL}`, `4/${AUTOMATED_TOTAL}`, '1', '0', '0', '4', '-1'],
      ['2026-10-19 09:00', `4/${TOTAL}`, `4/${AUTOMATED_TOTAL}`, '1', '0', '0', '4', '0'],
      ['2026-10-26 09:00', `7/${TOTAL}`, `7/${AUTOMATED_TOTAL}`, '1', '1', '2', '7', '+3'],
    ]);
    // Aligned: every column ends where its header does.
    const ends = (line: string) => [...line.matchAll(/\S+(?= {2}|$)/g)].map((m) => m.index! + m[0].length);
    for (const line of lines.slice(2, 4)) expect(ends(line).slice(1, 7)).toEqual(ends(lines[1]).slice(1, 7));
    expect(lines[5].length).toBe(lines[1].length);
  });

  it('looks 30 days back by default', async () => {
    const { stdout } = await history('--account', ACCOUNT);
    expect(stdout.split('\n')[0]).toBe(`Scan history of ${ACCOUNT} since 2026-10-02 12:00 UTC, oldest first`);
    expect(tableRows(stdout).map((cells) => cells[0])).toEqual(['2026-10-05 09:00', '2026-10-12 09:00', '2026-10-19 09:00', '2026-10-26 09:00']);
  });

  it.each([
    ['2w', '2026-10-18 12:00', ['2026-10-19 09:00', '2026-10-26 09:00']],
    ['7d', '2026-10-25 12:00', ['2026-10-26 09:00']],
    ['170h', '2026-10-25 10:00', ['2026-10-26 09:00']],
    ['2026-10-12T09:00Z', '2026-10-12 09:00', ['2026-10-12 09:00', '2026-10-19 09:00', '2026-10-26 09:00']],
    ['2026-10-12T10:00:01+01:00', '2026-10-12 09:00', ['2026-10-19 09:00', '2026-10-26 09:00']],
    ['2026-09-01', '2026-09-01 00:00', ['2026-09-20 09:00', '2026-10-05 09:00', '2026-10-12 09:00', '2026-10-19 09:00', '2026-10-26 09:00']],
  ])('--since %s keeps the scans from %s on', async (since, from, rows) => {
    const { code, stdout } = await history('--account', ACCOUNT, '--since', since);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`Scan history of ${ACCOUNT} since ${from} UTC, oldest first`);
    expect(tableRows(stdout).map((cells) => cells[0])).toEqual(rows);
  });

  it('prints JSON: the rows with their account, counts and per-section posture', async () => {
    const { code, stdout } = await history('--account', ACCOUNT, '--since', '2026-10-10', '--format', 'json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows.map((r: { generatedAt: string }) => r.generatedAt)).toEqual(['2026-10-12T09:00:00.000Z', '2026-10-19T09:00:00.000Z', '2026-10-26T09:00:00.000Z']);
    expect(rows.map((r: { change: number | null }) => r.change)).toEqual([null, 0, 3]);
    expect(rows[2]).toMatchObject({
      accountId: ACCOUNT,
      met: 7,
      total: TOTAL,
      automatedMet: 7,
      automatedTotal: AUTOMATED_TOTAL,
      summary: { PASS: 7, FAIL: 1, ERROR: 1, MANUAL: 2, NOT_APPLICABLE: 0 },
    });
    expect(rows[2].sections.map((s: { id: string }) => s.id)).toEqual(requirements().sections.map((s) => s.id));
    expect(rows[2].sections.reduce((sum: number, s: { met: number }) => sum + s.met, 0)).toBe(7);
    expect(rows[2].sections.reduce((sum: number, s: { total: number }) => sum + s.total, 0)).toBe(TOTAL);
  });

  it('says there is no history, and how one is made; JSON prints an empty array', async () => {
    const table = await history('--account', OTHER_ACCOUNT, '--since', '2026-10-01');
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      `No scan history of ${OTHER_ACCOUNT} since 2026-10-01 00:00 UTC. The Slack app (ftr serve) records every scan it runs; ftr scan prints a report without recording it.\n`,
    );
    const json = await history('--account', ACCOUNT, '--since', '24h', '--format', 'json');
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('[]\n');
  });

  it.each(['7x', '0d', 'yesterday', '2026-02-30', '2026-11-01T09:00', '2026-11-01T25:00Z', ''])('refuses --since %p with one line naming the accepted forms', async (since) => {
    const { code, stdout, stderr } = await history('--account', ACCOUNT, '--since', since);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `error: option '--since <when>' argument '${since}' is invalid. use an ISO date, or date and time with a zone (2026-11-01, 2026-11-01T09:00Z), or a span back from now (24h, 7d, 12w)`,
    ]);
  });

  it('refuses an --account that is not 12 digits, and a --format it does not know', async () => {
    const account = await history('--account', '12345');
    expect(account.code).toBe(1);
    expect(account.stderr).toMatch(/an AWS account id is 12 digits/);
    const format = await history('--account', ACCOUNT, '--format', 'csv');
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/use one of table, json/);
  });

  it('defaults to the account of the ambient AWS credentials', async () => {
    // The test environment's credentials are moto's, whose account is ACCOUNT.
    const { code, stdout, stderr } = await history('--since', '2026-10-20');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`Scan history of ${ACCOUNT} since 2026-10-20 00:00 UTC, oldest first`);
    expect(tableRows(stdout)).toHaveLength(1);
  });

  it('exits 1 with one line when the store cannot be opened or read', async () => {
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database, just some text long enough to have a header');
    process.env.STORE_URL = garbage;
    const unopenable = await history('--account', ACCOUNT);
    expect(unopenable.code).toBe(1);
    expect(unopenable.stdout).toBe('');
    expect(unopenable.stderr).toMatch(/^ftr: STORE_URL: cannot open [^\n]+\n$/);

    const db = new Database(storeFile);
    db.prepare('UPDATE scan_history SET entry = ?').run('{not json');
    db.close();
    process.env.STORE_URL = storeFile;
    const unreadable = await history('--account', ACCOUNT);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stdout).toBe('');
    expect(unreadable.stderr).toMatch(/^ftr: cannot read the scan history from the store: [^\n]+\n$/);
  });

  it('says so, and creates nothing, when there is no store file', async () => {
    const missing = join(dir, 'nowhere', 'ftr.sqlite');
    process.env.STORE_URL = missing;
    const { code, stdout } = await history('--account', ACCOUNT);
    expect(code).toBe(0);
    expect(stdout).toBe(`No scan history: there is no store at ${missing}. Set STORE_URL to the store ftr serve uses.\n`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});
