import pino from 'pino';
import type { ScanProgress, ScanReport } from '../../src/engine/scan';
import { ScanSetupError } from '../../src/engine/scanAccount';
import { ScanService, ScanServiceClosedError, type AccountScanner, type RunningScan, type ScanProgressView } from '../../src/engine/scanService';
import type { Store } from '../../src/store';
import { ACCOUNT, dynamoBacking, smallReport, sqliteBacking, type Backing } from '../store/fixtures';

const LEASE = `scan#${ACCOUNT}`;
const PROGRESS = `scan-progress#${ACCOUNT}`;
const LEASE_MS = 600;
const silent = pino({ level: 'silent' });

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `promise`, or a failure naming what did not happen in time: a readable failure rather than the test timeout. */
async function within<T>(promise: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first progress view of `scan` that `wanted` accepts, the current one included. */
function seen(scan: RunningScan, wanted: (view: ScanProgressView) => boolean): Promise<ScanProgressView> {
  return new Promise((resolve) => {
    if (wanted(scan.progress())) return resolve(scan.progress());
    const stop = scan.subscribe((view) => {
      if (!wanted(view)) return;
      stop();
      resolve(view);
    });
  });
}

/** Time for the stores' leases and the services, moved only by the test: leases expire when it says. */
function manualClock(start = new Date('2024-06-03T09:00:00.000Z')) {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

/** Counts a condition's occurrences and tells who waits for the `n`th. */
function counter() {
  let count = 0;
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  return {
    get count() {
      return count;
    },
    add() {
      count += 1;
      for (const w of waiting.filter((w) => count >= w.n)) w.resolve();
    },
    reached(n: number): Promise<void> {
      return count >= n ? Promise.resolve() : new Promise((resolve) => waiting.push({ n, resolve }));
    },
  };
}

/** A scanner whose scans report one step of two, then wait until the test ends them. */
interface GatedScanner extends AccountScanner {
  readonly scans: number;
  /** Settles once the `n`th scan (from 1) has started. */
  started(n: number): Promise<void>;
  finish(n: number, report: ScanReport): void;
  fail(n: number, error: Error): void;
  /** Fails the scans running and any started later (cleanup). */
  abandon(): void;
}

function gatedScanner(): GatedScanner {
  const gates: Deferred<ScanReport>[] = [];
  const starts = counter();
  let abandoned = false;
  const step = (done: number): ScanProgress => ({ done, total: 2, checkId: 'iam_password_policy_strong', region: 'global' });
  const gate = (n: number) => {
    const found = gates[n - 1];
    if (!found) throw new Error(`scan ${n} has not started`);
    return found;
  };
  return {
    get scans() {
      return starts.count;
    },
    accountId: async () => ACCOUNT,
    async scan(_accountId, onProgress) {
      const ended = deferred<ScanReport>();
      if (abandoned) ended.reject(new Error('the test ended'));
      gates.push(ended);
      starts.add();
      onProgress(step(1));
      const report = await ended.promise;
      onProgress(step(2));
      return report;
    },
    started: (n) => starts.reached(n),
    finish: (n, report) => gate(n).resolve(report),
    fail: (n, error) => gate(n).reject(error),
    abandon: () => {
      abandoned = true;
      gates.forEach((g) => g.reject(new Error('the test ended')));
    },
  };
}

/** `store` with some methods replaced; the others are the store's own. */
function withStore(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, prop) {
      const override = (overrides as Record<PropertyKey, unknown>)[prop];
      if (override) return override;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each([
  ['sqlite', sqliteBacking],
  ['dynamodb', dynamoBacking],
])('scans shared through the %s store', (_name, createBacking: () => Promise<Backing>) => {
  let backing: Backing;
  let clock: ReturnType<typeof manualClock>;
  let stores: Store[];
  let replicas: Replica[];

  /** One replica of the bot: its own store on the shared state, its own scanner and service. */
  interface Replica {
    service: ScanService;
    scanner: GatedScanner;
    /** Settles once the replica found the scan lease taken `n` times. */
    refused(n: number): Promise<void>;
  }

  function replica(owner: string, options: { wrap?: (store: Store) => Store; pollMs?: number } = {}): Replica {
    const own = openStore();
    const refusals = counter();
    const counting = withStore(own, {
      acquireLease: async (name, leaseOwner, ttlMs) => {
        const taken = await own.acquireLease(name, leaseOwner, ttlMs);
        if (!taken) refusals.add();
        return taken;
      },
    });
    const store = options.wrap ? options.wrap(counting) : counting;
    const scanner = gatedScanner();
    const service = new ScanService({ scanner, store, now: clock.now, logger: silent, owner, leaseMs: LEASE_MS, pollMs: options.pollMs ?? 50, progressWriteMs: 0 });
    const made = { service, scanner, refused: (n: number) => refusals.reached(n) };
    replicas.push(made);
    return made;
  }

  function openStore(): Store {
    const store = backing.open(clock.now);
    stores.push(store);
    return store;
  }

  const report = (at: Date = clock.now()) => smallReport(at);

  beforeEach(async () => {
    backing = await createBacking();
    clock = manualClock();
    stores = [];
    replicas = [];
  });

  afterEach(async () => {
    for (const r of replicas) {
      r.service.close();
      r.scanner.abandon();
    }
    await within(Promise.all(replicas.map((r) => r.service.idle())), 'the services to be idle', 10_000);
    await Promise.all(stores.map((s) => s.close()));
    await backing.dispose();
  });

  it('runs one scan for two replicas asked at once; the other follows its progress and answers with its report', async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    const scans = [a.service.start(ACCOUNT), b.service.start(ACCOUNT)];
    await within(Promise.race([a.scanner.started(1), b.scanner.started(1)]), 'a scan to start');
    const holder = a.scanner.scans === 1 ? a : b;
    const followerScan = scans[holder === a ? 1 : 0];

    const followed = await within(seen(followerScan, (view) => view.done > 0), "the follower to see the holder's progress");
    expect(followed).toMatchObject({ done: 1, total: 2 });
    const expected = report();
    holder.scanner.finish(1, expected);

    const results = await within(Promise.all(scans.map((s) => s.result)), 'both results');
    expect(results.map((r) => r.generatedAt)).toEqual([expected.generatedAt, expected.generatedAt]);
    expect(a.scanner.scans + b.scanner.scans).toBe(1);
    expect(await a.service.latest(ACCOUNT)).toEqual(expected);
    expect(await b.service.latest(ACCOUNT)).toEqual(expected);
    // The clock has not moved: only a release frees the lease.
    expect(await openStore().acquireLease(LEASE, 'replica-c', LEASE_MS)).toBe(true);
  });

  it('gives a second request on the same replica the scan already running', async () => {
    const a = replica('replica-a');
    const first = a.service.start(ACCOUNT);
    const second = a.service.start(ACCOUNT);
    expect(second).toBe(first);
    expect(a.service.current(ACCOUNT)).toBe(first);

    await within(a.scanner.started(1), 'the scan to start');
    a.scanner.finish(1, report());
    await within(first.result, 'the result');
    expect(a.scanner.scans).toBe(1);
    expect(a.service.current(ACCOUNT)).toBeUndefined();
    expect(a.service.start(ACCOUNT)).not.toBe(first);
  });

  it('takes over the scan of a replica that died holding the lease, once the lease expires', async () => {
    const dead = openStore();
    expect(await dead.acquireLease(LEASE, 'dead', 300)).toBe(true);
    const deadStart = clock.now();
    await dead.put(PROGRESS, { scanId: 'x', owner: 'dead', startedAt: deadStart.toISOString(), done: 1, total: 10 });

    const b = replica('replica-b');
    const scan = b.service.start(ACCOUNT);
    const followed = await within(seen(scan, (view) => view.total === 10), "the dead replica's progress");
    expect(followed).toEqual({ done: 1, total: 10, startedAt: deadStart });
    await within(b.refused(3), 'a few polls of the live lease');
    expect(b.scanner.scans).toBe(0);

    clock.advance(1_000);
    await within(b.scanner.started(1), 'the takeover scan');
    const own = report();
    b.scanner.finish(1, own);
    expect(await within(scan.result, 'the result')).toEqual(own);
    expect(b.scanner.scans).toBe(1);
  });

  it('scans rather than answer with an old finished scan when the shared progress could not be read at first', async () => {
    const seed = openStore();
    const old = report(new Date(clock.now().getTime() - 86_400_000));
    await seed.saveScan(ACCOUNT, old);
    await seed.put(PROGRESS, { scanId: 'yesterday', owner: 'replica-z', startedAt: old.generatedAt, done: 2, total: 2, outcome: { finished: old.generatedAt } });
    let progressReads = 0;
    const b = replica('replica-b', {
      wrap: (store) =>
        withStore(store, {
          // The first read of the shared progress fails, as a throttled request does.
          get: async <T,>(key: string): Promise<T | undefined> => {
            if (key === PROGRESS && ++progressReads === 1) throw new Error('ProvisionedThroughputExceededException');
            return store.get<T>(key);
          },
        }),
    });

    const scan = b.service.start(ACCOUNT);
    const answer = await within(Promise.race([scan.result, b.scanner.started(1).then(() => undefined)]), 'an answer or a scan');
    expect(answer?.generatedAt).toBeUndefined();
    const fresh = report();
    b.scanner.finish(1, fresh);
    expect(await within(scan.result, 'the result')).toEqual(fresh);
  });

  it("fails a follower with the holder's setup error, without scanning", async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    const held = a.service.start(ACCOUNT);
    await within(a.scanner.started(1), "the holder's scan");
    const followed = b.service.start(ACCOUNT);
    await within(seen(followed, (view) => view.done > 0), "the follower to see the holder's progress");

    const message = 'cannot identify the AWS account: the security token included in the request is expired';
    a.scanner.fail(1, new ScanSetupError(message));
    await expect(held.result).rejects.toThrow(ScanSetupError);
    const failure = await within(
      followed.result.then(
        () => undefined,
        (err: unknown) => err,
      ),
      "the follower's result",
    );
    expect(failure).toBeInstanceOf(ScanSetupError);
    expect(failure).toHaveProperty('message', message);
    expect(b.scanner.scans).toBe(0);
  });

  describe('notBefore', () => {
    it('does not join a local scan started earlier: a second scan runs after it and answers', async () => {
      const a = replica('replica-a');
      const earlier = a.service.start(ACCOUNT);
      await within(a.scanner.started(1), 'the first scan');
      clock.advance(1_000);
      const notBefore = clock.now();
      const later = a.service.start(ACCOUNT, { notBefore });
      expect(a.scanner.scans).toBe(1);

      const first = report(new Date(notBefore.getTime() - 1));
      a.scanner.finish(1, first);
      expect(await within(earlier.result, 'the first result')).toEqual(first);
      await within(a.scanner.started(2), 'the second scan');
      const second = report();
      a.scanner.finish(2, second);
      expect(await within(later.result, 'the second result')).toEqual(second);
      expect(a.scanner.scans).toBe(2);
    });

    it("does not take another replica's result for a scan started earlier: it scans once that one ends", async () => {
      const a = replica('replica-a');
      const b = replica('replica-b');
      const earlier = a.service.start(ACCOUNT);
      await within(a.scanner.started(1), "the holder's scan");
      clock.advance(100); // within the lease: the holder is alive
      const notBefore = clock.now();
      const later = b.service.start(ACCOUNT, { notBefore });
      await within(b.refused(1), 'the request to find the lease taken');

      const first = report(new Date(notBefore.getTime() - 1));
      a.scanner.finish(1, first);
      await within(earlier.result, "the holder's result");
      await within(b.scanner.started(1), 'a scan of its own');
      const second = report();
      b.scanner.finish(1, second);
      expect(await within(later.result, 'the later result')).toEqual(second);
    });

    it('does not join a follower that is about to answer with a scan started earlier', async () => {
      const a = replica('replica-a');
      const b = replica('replica-b');
      a.service.start(ACCOUNT);
      await within(a.scanner.started(1), "the holder's scan");
      clock.advance(100); // within the lease: the holder is alive
      const notBefore = clock.now();
      // The first request follows A's scan; the second, made at once, needs one started since notBefore.
      b.service.start(ACCOUNT);
      const fresh = b.service.start(ACCOUNT, { notBefore });

      a.scanner.finish(1, report(new Date(notBefore.getTime() - 1)));
      const answer = await within(Promise.race([fresh.result, b.scanner.started(1).then(() => undefined)]), 'an answer or a scan');
      expect(answer?.generatedAt).toBeUndefined();
      const second = report();
      b.scanner.finish(1, second);
      expect(await within(fresh.result, 'the fresh result')).toEqual(second);
    });
  });

  it('scans without the lease when the store cannot give it', async () => {
    let release = 0;
    const a = replica('replica-a', {
      wrap: (store) =>
        withStore(store, {
          acquireLease: async () => {
            throw new Error('the store is unreachable');
          },
          releaseLease: async (name, owner) => {
            release += 1;
            return store.releaseLease(name, owner);
          },
        }),
    });
    const scan = a.service.start(ACCOUNT);
    await within(a.scanner.started(1), 'the scan');
    const expected = report();
    a.scanner.finish(1, expected);
    expect(await within(scan.result, 'the result')).toEqual(expected);
    expect(a.scanner.scans).toBe(1);
    expect(release).toBe(0);
  });

  describe('latest()', () => {
    it("answers with the newest report in the store, whichever replica made it, and with the last one seen while the store fails", async () => {
      const a = replica('replica-a');
      let storeDown = false;
      const readLatest = (store: Store) =>
        withStore(store, {
          lastScan: async (accountId) => {
            if (storeDown) throw new Error('the store is unreachable');
            return store.lastScan(accountId);
          },
        });
      const b = replica('replica-b', { wrap: readLatest });

      const older = report();
      const first = a.service.start(ACCOUNT);
      await within(a.scanner.started(1), 'the first scan');
      a.scanner.finish(1, older);
      await within(first.result, 'the first result');
      expect(await b.service.latest(ACCOUNT)).toEqual(older);

      clock.advance(60_000);
      const newer = report();
      const second = a.service.start(ACCOUNT);
      await within(a.scanner.started(2), 'the second scan');
      a.scanner.finish(2, newer);
      await within(second.result, 'the second result');
      expect(await b.service.latest(ACCOUNT)).toEqual(newer);
      expect(b.scanner.scans).toBe(0);

      storeDown = true;
      expect(await b.service.latest(ACCOUNT)).toEqual(newer);
      // A replica that never read a report has nothing to answer with.
      const c = replica('replica-c', { wrap: readLatest });
      await expect(c.service.latest(ACCOUNT)).rejects.toThrow('the store is unreachable');
    });
  });

  describe('close()', () => {
    it("stops a follower waiting on another replica's lease at once", async () => {
      const a = replica('replica-a');
      // Polls far apart: only close() can end the wait in time.
      const b = replica('replica-b', { pollMs: 3_000 });
      const held = a.service.start(ACCOUNT);
      await within(a.scanner.started(1), "the holder's scan");
      const followed = b.service.start(ACCOUNT);
      await within(seen(followed, (view) => view.done > 0), "the follower to see the holder's progress");

      b.service.close();
      const failure = await within(
        followed.result.then(
          () => undefined,
          (err: unknown) => err,
        ),
        'the follower to stop',
        1_000,
      );
      expect(failure).toBeInstanceOf(ScanServiceClosedError);
      expect(b.scanner.scans).toBe(0);

      const expected = report();
      a.scanner.finish(1, expected);
      expect(await within(held.result, "the holder's result")).toEqual(expected);
    });

    it('stops a follower at once when closed while it was asking for the lease', async () => {
      const a = replica('replica-a');
      const asking = deferred<void>();
      const answer = deferred<void>();
      const b = replica('replica-b', {
        pollMs: 3_000,
        wrap: (store) =>
          withStore(store, {
            acquireLease: async (name, owner, ttlMs) => {
              asking.resolve();
              await answer.promise;
              return store.acquireLease(name, owner, ttlMs);
            },
          }),
      });
      a.service.start(ACCOUNT);
      await within(a.scanner.started(1), "the holder's scan");
      const followed = b.service.start(ACCOUNT);
      await within(asking.promise, 'the follower to ask for the lease');

      b.service.close();
      answer.resolve();
      const failure = await within(
        followed.result.then(
          () => undefined,
          (err: unknown) => err,
        ),
        'the follower to stop',
        1_000,
      );
      expect(failure).toBeInstanceOf(ScanServiceClosedError);
    });
  });

  it("keeps the holder's outcome in the shared progress when an earlier progress write lands after it", async () => {
    const outcomeWritten = deferred<void>();
    const lateWrites: Promise<void>[] = [];
    const a = replica('replica-a', {
      wrap: (store) =>
        withStore(store, {
          put: async (key, value) => {
            const progress = value as { done?: number; outcome?: unknown };
            if (key !== PROGRESS || (!progress.outcome && progress.done !== 2)) return store.put(key, value);
            if (progress.outcome) {
              await store.put(key, value);
              outcomeWritten.resolve();
              return;
            }
            // The last step's write, as the network may deliver it: after the outcome's. A holder that orders
            // its writes waits for this one before writing the outcome, hence the bound.
            const sent = structuredClone(value);
            const late = within(outcomeWritten.promise, 'the outcome write', 300)
              .catch(() => undefined)
              .then(() => store.put(key, sent));
            lateWrites.push(late);
            return late;
          },
        }),
    });
    const b = replica('replica-b');
    const held = a.service.start(ACCOUNT);
    await within(a.scanner.started(1), "the holder's scan");
    const followed = b.service.start(ACCOUNT);
    await within(seen(followed, (view) => view.done > 0), "the follower to see the holder's progress");

    const expected = report();
    a.scanner.finish(1, expected);
    await within(held.result, "the holder's result");
    await within(Promise.all(lateWrites), 'the late write');
    expect(await openStore().get(PROGRESS)).toMatchObject({ outcome: { finished: expected.generatedAt } });
    const answer = await within(Promise.race([followed.result, b.scanner.started(1).then(() => undefined)]), "the follower's answer or scan");
    expect(answer).toEqual(expected);
    expect(b.scanner.scans).toBe(0);
  });

  it("answers a follower with the holder's report, not an older one, when the holder could not store it", async () => {
    const stale = report(new Date(clock.now().getTime() - 86_400_000));
    await openStore().saveScan(ACCOUNT, stale);
    let writes = Promise.resolve();
    const a = replica('replica-a', {
      wrap: (store) =>
        withStore(store, {
          saveScan: async () => {
            throw new Error('the store is unreachable');
          },
          // Progress writes land in order here: the outcome is the last one (see the test above).
          put: (key, value) => {
            const sent = structuredClone(value);
            const written = writes.then(() => store.put(key, sent));
            writes = written.catch(() => undefined);
            return written;
          },
        }),
    });
    const b = replica('replica-b');
    const held = a.service.start(ACCOUNT);
    await within(a.scanner.started(1), "the holder's scan");
    const followed = b.service.start(ACCOUNT);
    await within(seen(followed, (view) => view.done > 0), "the follower to see the holder's progress");

    const fresh = report();
    a.scanner.finish(1, fresh);
    expect(await within(held.result, "the holder's result")).toEqual(fresh);
    // Without the holder's report in the store, scanning again is as good an answer as the holder's.
    const answer = await within(Promise.race([followed.result, b.scanner.started(1).then(() => undefined)]), "the follower's answer or scan");
    if (!answer) b.scanner.finish(1, report());
    const result = await within(followed.result, "the follower's result");
    expect(result.generatedAt).not.toBe(stale.generatedAt);
  });
});
