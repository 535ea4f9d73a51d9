import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { callerAccountId, defaultHomeRegion } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import type { AppConfig } from '../config/load';
import { catalog } from '../checks/catalog';
import { requirements } from '../core/requirements';
import { decide, DecisionLog, keepLease, type Store } from '../store';
import type { ScanProgress, ScanReport } from './scan';
import { accountRegistration } from '../store/accountRegistry';
import { scanAccount, ScanSetupError } from './scanAccount';
import { accountsScanner } from './scanAccounts';

/** An account the service scans, and the short name people may use for it. */
export interface AccountRef {
  accountId: string;
  alias?: string;
}

/** How the service reaches accounts: the bot's own, every account it scans, and a full scan of one. */
export interface AccountScanner {
  accountId(): Promise<string>;
  /** Every account scanned, the bot's own first; only the bot's own when absent. */
  accounts?(): Promise<AccountRef[]>;
  scan(accountId: string, onProgress: (progress: ScanProgress) => void): Promise<ScanReport>;
}

/** The account of the ambient AWS credentials, scanned with the whole catalog. */
export function ambientAccountScanner(input: { config: AppConfig; regions?: string[]; env?: NodeJS.ProcessEnv }): AccountScanner {
  const env = input.env ?? process.env;
  return {
    async accountId() {
      const aws = new AwsAccess({ env });
      try {
        return await callerAccountId(aws, defaultHomeRegion(env));
      } catch (err) {
        throw new ScanSetupError(`cannot identify the AWS account: ${describeError(err)}`);
      } finally {
        aws.destroy();
      }
    },
    scan: (_accountId, onProgress) => scanAccount({ config: input.config, regions: input.regions, env, onProgress }),
  };
}

/**
 * The accounts the configuration names: the bot's own, the `accounts` list and, with
 * `organization.scanMembers`, the organization's member accounts, each scanned through its role.
 */
export function configuredAccountScanner(input: { config: AppConfig; regions?: string[]; env?: NodeJS.ProcessEnv; store: Pick<Store, 'get'> }): AccountScanner {
  const ambient = ambientAccountScanner(input);
  if (input.config.accounts.length === 0 && !input.config.organization.scanMembers) return ambient;
  const many = accountsScanner({ config: input.config, regions: input.regions, env: input.env, registration: (id) => accountRegistration(input.store, id) });
  return {
    accountId: ambient.accountId,
    accounts: async () => (await many.accounts()).map(({ accountId, alias }) => ({ accountId, ...(alias ? { alias } : {}) })),
    scan: (accountId, onProgress) => many.scan(accountId, onProgress),
  };
}

export interface ScanProgressView {
  done: number;
  total: number;
  startedAt: Date;
}

/** A scan in flight, here or on another replica: its progress so far, a way to follow it, and its result. */
export interface RunningScan {
  readonly accountId: string;
  progress(): ScanProgressView;
  /** Calls `listener` on each progress step until the returned function is called. */
  subscribe(listener: (progress: ScanProgressView) => void): () => void;
  readonly result: Promise<ScanReport>;
}

/** What the replica holding an account's scan lease tells the others, in the store. */
interface SharedProgress {
  scanId: string;
  owner: string;
  /** ISO-8601. */
  startedAt: string;
  done: number;
  total: number;
  outcome?: { finished: string } | { failed: string; setup: boolean };
}

export interface ScanServiceOptions {
  scanner: AccountScanner;
  store: Store;
  now: () => Date;
  logger: Logger;
  /** This replica's name in leases; unique per process by default. */
  owner?: string;
  /** How long a scan lease lives without renewal: a replica that dies is taken over after this. */
  leaseMs?: number;
  /** How often a replica waiting for another one's scan looks at the store. */
  pollMs?: number;
  /** How often the lease holder writes its progress to the store, at most. */
  progressWriteMs?: number;
  /** The attestations and exceptions applied to every report; read from the store with the whole catalog when absent. */
  decisions?: DecisionLog;
}

/** The earliest start a scan must have to answer a request, when it matters. */
interface ScanWindow {
  notBefore?: Date;
}

const ACCOUNT_LIST_MS = 5 * 60_000;
const leaseName = (accountId: string) => `scan#${accountId}`;
const progressKey = (accountId: string) => `scan-progress#${accountId}`;

/** A scan that stopped because the service was closed (shutdown). */
export class ScanServiceClosedError extends Error {
  override name = 'ScanServiceClosedError';
  constructor() {
    super('ftr-bot is restarting; the scan was interrupted. Run the command again in a minute.');
  }
}

/**
 * One scan per account at a time, across replicas sharing the store: a second request, here or on
 * another replica, joins the scan running (same progress, same result). A lease per account in the
 * store says who scans; its holder renews it and writes its progress, the others follow that
 * progress and take over when the lease expires without a result. Reports are read from the store,
 * so every replica answers with the latest one.
 */
export class ScanService {
  private readonly scanner: AccountScanner;
  private readonly store: Store;
  private readonly now: () => Date;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly progressWriteMs: number;
  /** The scan per account this replica runs or follows, and when that scan started, once known. */
  private readonly running = new Map<string, { scan: RunningScan; startedAt?: Date }>();
  /** The last report seen per account: the answer only while the store cannot be read. */
  private readonly lastSeen = new Map<string, ScanReport>();
  private readonly closing = new AbortController();
  private account?: Promise<string>;
  private readonly decisionLog: DecisionLog;
  private accountList?: { at: number; accounts: AccountRef[] };
  /** Per account, the last report with decisions applied and what it was applied for. */
  private readonly decided = new Map<string, { key: string; report: ScanReport }>();
  /** What a decided report depends on: its scan, and the decisions as they stood (see viewKey). */
  private readonly viewKeys = new WeakMap<ScanReport, string>();

  constructor(options: ScanServiceOptions) {
    this.scanner = options.scanner;
    this.store = options.store;
    this.now = options.now;
    this.logger = options.logger;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 2_000;
    this.progressWriteMs = options.progressWriteMs ?? 2_000;
    this.decisionLog = options.decisions ?? new DecisionLog({ store: this.store, requirements: requirements(), checks: catalog, now: this.now });
  }

  /** The scanned account's id, asked once; a failure is not remembered, so the next call asks again. */
  accountId(): Promise<string> {
    this.account ??= this.scanner.accountId().catch((err) => {
      this.account = undefined;
      throw err;
    });
    return this.account;
  }

  /** Every account scanned, the bot's own first (the organization is listed again at most every few minutes). */
  async accounts(): Promise<AccountRef[]> {
    if (!this.scanner.accounts) return [{ accountId: await this.accountId() }];
    const known = this.accountList;
    if (known && this.now().getTime() - known.at < ACCOUNT_LIST_MS) return known.accounts;
    const accounts = await this.scanner.accounts();
    this.accountList = { at: this.now().getTime(), accounts };
    return accounts;
  }

  /** The scanned account an id or alias names (aliases in any case), or undefined. */
  async findAccount(name: string): Promise<AccountRef | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await this.accounts()).find((a) => a.accountId === wanted || a.alias?.toLowerCase() === wanted);
  }

  /** The scan of the account this replica runs or follows, if any. */
  current(accountId: string): RunningScan | undefined {
    return this.running.get(accountId)?.scan;
  }

  /**
   * The most recent complete report for the account, from the store (any replica's scan). Only
   * its time is read each time; the report itself only when it changed, since reading and parsing
   * a large one holds the event loop (and the acknowledgements waiting on it).
   */
  async latest(accountId: string): Promise<ScanReport | undefined> {
    const stored = await this.latestStored(accountId);
    return stored && this.withDecisions(accountId, stored);
  }

  /**
   * What a report shown to people depends on besides its scan: the decisions applied to it and
   * which of them had expired. Answers rendered from a report can be reused while this stays.
   */
  viewKey(report: ScanReport): string {
    return this.viewKeys.get(report) ?? report.generatedAt;
  }

  /**
   * The report with the account's recorded attestations and exceptions applied as they stand now;
   * decided again only when they change or one expires. Unreadable decisions leave the report as
   * scanned (attestations unapplied: MANUAL, never PASS).
   */
  private async withDecisions(accountId: string, report: ScanReport): Promise<ScanReport> {
    let decisions;
    try {
      decisions = await this.decisionLog.decisions(accountId);
    } catch (err) {
      this.logger.warn({ err, accountId }, 'attestations and exceptions cannot be read: the report is shown as scanned');
      return report;
    }
    const now = this.now();
    const all = [...decisions.attestations, ...decisions.exceptions];
    // A record changes when it is recorded again (replaced) or revoked, which comes after its recording.
    const changed = all.map((d) => d.revokedAt ?? d.recordedAt).reduce((latest, at) => (at > latest ? at : latest), '');
    const expired = all.filter((d) => Date.parse(d.expiresAt) <= now.getTime()).length;
    const key = `${report.generatedAt}|${all.length}|${changed}|${expired}`;
    const known = this.decided.get(accountId);
    if (known?.key === key) return known.report;
    const applied = decide(report, decisions, now);
    this.decided.set(accountId, { key, report: applied });
    this.viewKeys.set(applied, key);
    return applied;
  }

  private async latestStored(accountId: string): Promise<ScanReport | undefined> {
    try {
      const at = await this.store.lastScanAt(accountId);
      const seen = this.lastSeen.get(accountId);
      if (at === undefined) return seen;
      if (seen?.generatedAt === at) return seen;
      const stored = await this.store.lastScan(accountId);
      if (stored) this.lastSeen.set(accountId, stored);
      return stored ?? seen;
    } catch (err) {
      const known = this.lastSeen.get(accountId);
      if (!known) throw err;
      this.logger.warn({ err, accountId }, 'the store cannot be read: answering with the last report this replica saw');
      return known;
    }
  }

  /** Milliseconds since the report was generated. */
  ageOf(report: ScanReport): number {
    return this.now().getTime() - new Date(report.generatedAt).getTime();
  }

  /**
   * Starts a scan of the account, or joins the one running (on any replica). With `notBefore`, a
   * scan that started earlier is not joined: its end is awaited and a new one runs.
   */
  start(accountId: string, options: { notBefore?: Date } = {}): RunningScan {
    const existing = this.running.get(accountId);
    // Joining needs the joined scan's real start, known once it runs here or its holder shared it.
    if (existing && (!options.notBefore || (existing.startedAt && existing.startedAt >= options.notBefore))) return existing.scan;
    let view: ScanProgressView = { done: 0, total: 0, startedAt: this.now() };
    const listeners = new Set<(progress: ScanProgressView) => void>();
    const show = (next: ScanProgressView) => {
      view = next;
      entry.startedAt = next.startedAt;
      for (const listener of listeners) {
        try {
          listener(view);
        } catch (err) {
          this.logger.warn({ err }, 'a scan progress listener failed');
        }
      }
    };
    const after = existing ? existing.scan.result.then(() => undefined, () => undefined) : Promise.resolve();
    const result = after
      .then(() => this.scanOnce(accountId, { notBefore: options.notBefore }, show))
      .catch((err: unknown) => {
        this.logger.error({ err, accountId }, 'scan failed');
        throw err;
      })
      .finally(() => {
        if (this.running.get(accountId) === entry) this.running.delete(accountId);
        listeners.clear();
      });
    // Followers handle the failure; this keeps an unfollowed failed scan from crashing the process.
    result.catch(() => undefined);
    const scan: RunningScan = {
      accountId,
      progress: () => view,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      result,
    };
    const entry: { scan: RunningScan; startedAt?: Date } = { scan };
    this.running.set(accountId, entry);
    return scan;
  }

  /** Settles when no scan is running (for shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((s) => s.scan.result));
  }

  /** Stops following other replicas' scans (shutdown); scans this replica runs finish on their own. */
  close(): void {
    this.closing.abort();
  }

  /**
   * Runs the scan while holding the account's lease, or follows the holder's: when the lease comes
   * free, the holder's result is taken if it finished a scan started since `requestedAt` (or the
   * one being followed), else this replica scans.
   */
  private async scanOnce(accountId: string, when: ScanWindow, show: (view: ScanProgressView) => void): Promise<ScanReport> {
    const readShared = () => this.store.get<SharedProgress>(progressKey(accountId)).catch(() => undefined);
    // What was shared before asking: a scan finished by then is not one this request waited for.
    // When that cannot be read, only a scan this request saw running may answer it.
    const before = await this.store.get<SharedProgress>(progressKey(accountId)).then(
      (shared) => ({ known: true as const, shared }),
      () => ({ known: false as const }),
    );
    const seenRunning = new Set<string>();
    const sawRunning = (shared: SharedProgress | undefined) => {
      if (shared && !shared.outcome) seenRunning.add(shared.scanId);
    };
    if (before.known) sawRunning(before.shared);
    const answersThisRequest = (shared: SharedProgress) =>
      before.known ? shared.scanId !== before.shared?.scanId || !before.shared.outcome : seenRunning.has(shared.scanId);
    let waited = false;
    for (;;) {
      if (this.closing.signal.aborted) throw new ScanServiceClosedError();
      const leased = await this.store.acquireLease(leaseName(accountId), this.owner, this.leaseMs).catch((err: unknown) => {
        // Availability over de-duplication: without the store, scan here.
        this.logger.warn({ err, accountId }, 'the scan lease cannot be taken (store unavailable): scanning without it');
        return undefined;
      });
      if (leased !== false) {
        try {
          const now = await readShared();
          const done = now && answersThisRequest(now) ? await this.resultOfOthers(accountId, when, now) : undefined;
          if (done) return done;
          return await this.scanHolding(accountId, show, leased === true);
        } finally {
          if (leased) await this.store.releaseLease(leaseName(accountId), this.owner).catch((err: unknown) => this.logger.warn({ err, accountId }, 'could not release the scan lease; it expires on its own'));
        }
      }
      if (!waited) this.logger.info({ accountId }, 'another replica is scanning this account: following its scan');
      waited = true;
      const shared = await readShared();
      sawRunning(shared);
      if (shared && !shared.outcome) show({ done: shared.done, total: shared.total, startedAt: new Date(shared.startedAt) });
      await this.pause();
    }
  }

  /**
   * The report (or failure) of the scan another replica finished since this request asked, if it
   * can answer it: with `notBefore`, only one started since then, and only with its own report.
   */
  private async resultOfOthers(accountId: string, when: ScanWindow, shared: SharedProgress): Promise<ScanReport | undefined> {
    if (!shared.outcome) return undefined;
    if (when.notBefore && new Date(shared.startedAt) < when.notBefore) return undefined;
    if ('failed' in shared.outcome) throw shared.outcome.setup ? new ScanSetupError(shared.outcome.failed) : new Error(shared.outcome.failed);
    const report = await this.store.lastScan(accountId);
    // The holder could not store its report: scan here rather than answer with an older one.
    return report?.generatedAt === shared.outcome.finished ? this.withDecisions(accountId, report) : undefined;
  }

  private async scanHolding(accountId: string, show: (view: ScanProgressView) => void, leased: boolean): Promise<ScanReport> {
    const shared: SharedProgress = { scanId: randomUUID(), owner: this.owner, startedAt: this.now().toISOString(), done: 0, total: 0 };
    // One write at a time, in order: a progress step's write must never land after the outcome's.
    let writing = Promise.resolve();
    const publish = () =>
      (writing = writing.then(() =>
        this.store.put(progressKey(accountId), { ...shared }).catch((err: unknown) => this.logger.warn({ err, accountId }, 'could not share the scan progress')),
      ));
    let lastWrite = 0;
    await publish();
    const stopRenewal = leased
      ? keepLease(this.store, { name: leaseName(accountId), owner: this.owner, ttlMs: this.leaseMs }, (what, err) => this.logger.warn({ err, accountId }, `scan lease: ${what}`))
      : undefined;
    show({ done: 0, total: 0, startedAt: new Date(shared.startedAt) });
    this.logger.info({ accountId }, 'scan started');
    try {
      const scanned = await this.scanner.scan(accountId, ({ done, total }) => {
        shared.done = done;
        shared.total = total;
        show({ done, total, startedAt: new Date(shared.startedAt) });
        if (Date.now() - lastWrite >= this.progressWriteMs) {
          lastWrite = Date.now();
          void publish();
        }
      });
      // Stored decided, so that the history counts accepted findings as met and expiries as new failures.
      const report = await this.withDecisions(accountId, scanned);
      this.lastSeen.set(accountId, report);
      await this.store.saveScan(accountId, report).catch((err) => this.logger.error({ err, accountId }, 'could not store the scan report'));
      shared.outcome = { finished: report.generatedAt };
      this.logger.info({ accountId, summary: { ...report.summary, awsRequests: report.summary.awsRequests.total } }, 'scan finished');
      return report;
    } catch (err) {
      shared.outcome = { failed: err instanceof ScanSetupError ? err.message : 'an unexpected error; the ftr-bot logs have the details.', setup: err instanceof ScanSetupError };
      throw err;
    } finally {
      stopRenewal?.();
      await publish();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.closing.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, this.pollMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
