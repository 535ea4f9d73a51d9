import { callerAccountId, defaultHomeRegion } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import { scanAccount, ScanSetupError } from '../cli/scanCommand';
import type { AppConfig } from '../config/load';
import type { ScanProgress, ScanReport } from '../engine/scan';
import type { Store } from '../store';
import type { ScanProgressView } from './blocks';
import type { Logger } from './logger';

/** How the service reaches an account: who it is, and a full scan of it. */
export interface AccountScanner {
  accountId(): Promise<string>;
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

/** A scan in flight: its progress so far, a way to follow it, and its result. */
export interface RunningScan {
  readonly accountId: string;
  progress(): ScanProgressView;
  /** Calls `listener` on each progress step until the returned function is called. */
  subscribe(listener: (progress: ScanProgressView) => void): () => void;
  readonly result: Promise<ScanReport>;
}

/**
 * Scans on demand, one at a time per account: a second request while a scan runs joins it
 * (same progress, same result). The last report per account is kept in memory and in the store.
 */
export class ScanService {
  private readonly scanner: AccountScanner;
  private readonly store: Store;
  private readonly now: () => Date;
  private readonly logger: Logger;
  private readonly running = new Map<string, RunningScan>();
  private readonly reports = new Map<string, ScanReport>();
  private account?: Promise<string>;

  constructor(deps: { scanner: AccountScanner; store: Store; now: () => Date; logger: Logger }) {
    this.scanner = deps.scanner;
    this.store = deps.store;
    this.now = deps.now;
    this.logger = deps.logger;
  }

  /** The scanned account's id, asked once; a failure is not remembered, so the next call asks again. */
  accountId(): Promise<string> {
    this.account ??= this.scanner.accountId().catch((err) => {
      this.account = undefined;
      throw err;
    });
    return this.account;
  }

  current(accountId: string): RunningScan | undefined {
    return this.running.get(accountId);
  }

  /** The most recent complete report for the account, if any scan ever finished. */
  async latest(accountId: string): Promise<ScanReport | undefined> {
    const cached = this.reports.get(accountId);
    if (cached) return cached;
    const stored = await this.store.lastScan(accountId);
    if (stored && !this.reports.has(accountId)) this.reports.set(accountId, stored);
    return this.reports.get(accountId);
  }

  /** Milliseconds since the report was generated. */
  ageOf(report: ScanReport): number {
    return this.now().getTime() - new Date(report.generatedAt).getTime();
  }

  /** Starts a scan of the account, or returns the one already running. */
  start(accountId: string): RunningScan {
    const existing = this.running.get(accountId);
    if (existing) return existing;
    let view: ScanProgressView = { done: 0, total: 0, startedAt: this.now() };
    const listeners = new Set<(progress: ScanProgressView) => void>();
    const onProgress = ({ done, total }: ScanProgress) => {
      view = { ...view, done, total };
      for (const listener of listeners) {
        try {
          listener(view);
        } catch (err) {
          this.logger.warn({ err }, 'a scan progress listener failed');
        }
      }
    };
    this.logger.info({ accountId }, 'scan started');
    const result = this.scanner
      .scan(accountId, onProgress)
      .then(async (report) => {
        this.reports.set(accountId, report);
        await this.store.saveScan(accountId, report).catch((err) => this.logger.error({ err, accountId }, 'could not store the scan report'));
        this.logger.info({ accountId, summary: { ...report.summary, awsRequests: report.summary.awsRequests.total } }, 'scan finished');
        return report;
      })
      .catch((err: unknown) => {
        this.logger.error({ err, accountId }, 'scan failed');
        throw err;
      })
      .finally(() => {
        this.running.delete(accountId);
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
    this.running.set(accountId, scan);
    return scan;
  }

  /** Settles when no scan is running (for shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((s) => s.result));
  }
}
