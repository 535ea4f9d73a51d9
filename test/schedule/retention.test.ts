import pino from 'pino';
import { HistoryRetention } from '../../src/schedule/retention';
import { SqliteStore } from '../../src/store';
import { ACCOUNT, smallReport } from '../slack/fixtures';
import { FakeClock } from '../support/fakeClock';

const DAY_MS = 24 * 3600 * 1000;
const START = new Date('2026-05-04T10:00:00.000Z');
/** The first pass waits a minute after start-up. */
const FIRST_PASS = new Date(START.getTime() + 60_000);
const RETENTION_DAYS = 400;
/** What the first pass deletes: entries generated before this. */
const FIRST_CUTOFF = FIRST_PASS.getTime() - RETENTION_DAYS * DAY_MS;

const iso = (ms: number) => new Date(ms).toISOString();

describe('HistoryRetention', () => {
  let clock: FakeClock;
  let store: SqliteStore;
  let prunes: jest.SpyInstance<Promise<number>, [Date]>;
  let logs: Array<{ level: number; msg: string; deleted?: number; err?: { message: string } }>;
  let retention: HistoryRetention;

  beforeEach(() => {
    clock = new FakeClock(START);
    store = new SqliteStore(':memory:', () => clock.now());
    prunes = jest.spyOn(store, 'pruneHistory');
    logs = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    retention = new HistoryRetention({ store, clock, logger, retentionDays: RETENTION_DAYS });
  });

  afterEach(async () => {
    await retention.stop();
    await store.close();
  });

  /** Lets the loop run until it waits on the clock again (it never waits on anything else). */
  async function untilAsleep(): Promise<void> {
    for (let turn = 0; turn < 1000 && clock.sleepers === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(clock.sleepers).toBe(1);
  }

  async function seed(accountId: string, ...generatedAt: number[]): Promise<void> {
    for (const at of generatedAt) await store.saveScan(accountId, smallReport(new Date(at)));
  }

  const kept = async (accountId = ACCOUNT) => (await store.scanHistory(accountId)).map((e) => e.generatedAt).reverse();

  it('first prunes a minute after start-up, deleting what is older than the retention and keeping the rest', async () => {
    await seed(
      ACCOUNT,
      FIRST_CUTOFF - 30 * DAY_MS,
      FIRST_CUTOFF - 1,
      FIRST_CUTOFF, // exactly as old as the retention: kept
      FIRST_CUTOFF + 12 * 3600 * 1000,
      START.getTime() - DAY_MS,
    );
    await seed('210987654321', FIRST_CUTOFF - DAY_MS, START.getTime() - 2 * DAY_MS);

    retention.start();
    await untilAsleep();
    clock.advanceTo(new Date(FIRST_PASS.getTime() - 1));
    await untilAsleep();
    expect(prunes).not.toHaveBeenCalled();

    clock.advanceTo(FIRST_PASS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(1);
    expect(prunes.mock.calls[0][0].toISOString()).toBe(iso(FIRST_CUTOFF));
    expect(await kept()).toEqual([iso(FIRST_CUTOFF), iso(FIRST_CUTOFF + 12 * 3600 * 1000), iso(START.getTime() - DAY_MS)]);
    expect(await kept('210987654321')).toEqual([iso(START.getTime() - 2 * DAY_MS)]);
    expect(logs).toEqual([expect.objectContaining({ level: 30, msg: 'scan history past its retention deleted', deleted: 3 })]);
  });

  it('prunes again a day after each pass', async () => {
    const halfDayInside = FIRST_CUTOFF + 12 * 3600 * 1000;
    await seed(ACCOUNT, halfDayInside, START.getTime());
    retention.start();
    clock.advanceTo(FIRST_PASS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(1);
    expect(await kept()).toEqual([iso(halfDayInside), iso(START.getTime())]);

    clock.advanceBy(DAY_MS - 1);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(1);

    clock.advanceBy(1);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(2);
    expect(prunes.mock.calls[1][0].toISOString()).toBe(iso(FIRST_CUTOFF + DAY_MS));
    expect(await kept()).toEqual([iso(START.getTime())]);

    clock.advanceBy(DAY_MS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(3);
  });

  it('does nothing and logs nothing when nothing is old enough', async () => {
    await seed(ACCOUNT, START.getTime() - DAY_MS);
    retention.start();
    clock.advanceTo(FIRST_PASS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(1);
    expect(await kept()).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it('stops at once while it waits, and prunes no more', async () => {
    retention.start();
    await untilAsleep();
    let stopped = false;
    const stopping = retention.stop().then(() => {
      stopped = true;
    });
    // The fake clock does not move: only the stop can end the wait.
    for (let turn = 0; turn < 10 && !stopped; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(true);
    await stopping;
    expect(clock.sleepers).toBe(0);
    clock.advanceBy(2 * DAY_MS);
    await new Promise((resolve) => setImmediate(resolve));
    expect(prunes).not.toHaveBeenCalled();
  });

  it('logs a failed pass and tries again the next day', async () => {
    await seed(ACCOUNT, FIRST_CUTOFF - DAY_MS, START.getTime());
    prunes.mockRejectedValueOnce(new Error('database is locked'));
    retention.start();
    clock.advanceTo(FIRST_PASS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(1);
    expect(logs).toEqual([expect.objectContaining({ level: 40, msg: 'scan history retention failed; retrying tomorrow', err: expect.objectContaining({ message: 'database is locked' }) })]);
    expect(await kept()).toHaveLength(2);

    clock.advanceBy(DAY_MS);
    await untilAsleep();
    expect(prunes).toHaveBeenCalledTimes(2);
    expect(await kept()).toEqual([iso(START.getTime())]);
    expect(logs.at(-1)).toMatchObject({ level: 30, deleted: 1 });
  });

  it('prunes on demand with the same cutoff', async () => {
    await seed(ACCOUNT, START.getTime() - RETENTION_DAYS * DAY_MS - 1, START.getTime() - RETENTION_DAYS * DAY_MS);
    expect(await retention.prune()).toBe(1);
    expect(await kept()).toEqual([iso(START.getTime() - RETENTION_DAYS * DAY_MS)]);
  });
});
