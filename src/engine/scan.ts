import pLimit from 'p-limit';
import type { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import { Inventory } from '../aws/inventory';
import type { CheckThresholds } from '../config/thresholds';
import type { DecidedResult } from '../core/decisions';
import { statusCounts, type Check, type CheckContext, type CheckResult, type Finding, type Status } from '../core/types';

export interface ScanProgress {
  done: number;
  total: number;
  checkId: string;
  region: string;
}

export interface ScanOptions {
  checks: readonly Check[];
  accountId: string;
  regions: readonly string[];
  homeRegion: string;
  aws: AwsAccess;
  thresholds: CheckThresholds;
  /** Check runs in flight at once (each may make several requests). */
  concurrency?: number;
  onProgress?: (progress: ScanProgress) => void;
  now?: () => Date;
}

export interface ScanSummary extends Record<Status, number> {
  durationMs: number;
  awsRequests: { total: number; byOperation: Record<string, number> };
}

/** The JSON report (contracts/scan-report.schema.json). */
export interface ScanReport {
  schemaVersion: 1;
  generatedAt: string;
  accounts: string[];
  regions: string[];
  summary: ScanSummary;
  /** With the recorded attestations and exceptions applied once the report leaves the scan service (see DecisionLog). */
  results: DecidedResult[];
}

interface Task {
  check: Check;
  region: string;
}

/** Results of one check run: its findings, or one ERROR saying why it could not evaluate. */
async function runTask(task: Task, ctx: CheckContext): Promise<CheckResult[]> {
  const { check } = task;
  const toResult = (f: Finding): CheckResult => ({
    checkId: check.id,
    refs: f.refs && f.refs.length > 0 ? f.refs : check.refs,
    status: f.status,
    severity: check.severity,
    accountId: ctx.accountId,
    region: f.region ?? task.region,
    resource: f.resource,
    message: f.message,
    ...(f.status === 'FAIL' || f.status === 'MANUAL' || f.status === 'ERROR' ? { remediation: check.remediation } : {}),
  });
  let findings: Finding[];
  try {
    findings = await check.run(ctx);
  } catch (err) {
    findings = [{ resource: 'account', status: 'ERROR', message: `Could not evaluate: ${describeError(err)}.` }];
  }
  if (findings.length === 0) {
    findings = [{ resource: 'account', status: 'NOT_APPLICABLE', message: `Nothing to evaluate for: ${check.title}.` }];
  }
  return findings.map(toResult);
}

/**
 * Runs the catalog for one account: global checks once, regional checks once per region,
 * with bounded concurrency. A check that throws (access denied, throttled past its retries,
 * a bug) becomes an ERROR result for that check and region; the scan always completes.
 */
export async function runScan(options: ScanOptions): Promise<ScanReport> {
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const inventory = new Inventory();
  const tasks: Task[] = options.checks.flatMap((check) =>
    check.scope === 'global' ? [{ check, region: 'global' }] : options.regions.map((region) => ({ check, region })),
  );
  const limit = pLimit(options.concurrency ?? 8);
  let done = 0;
  const perTask = await Promise.all(
    tasks.map((task) =>
      limit(async () => {
        const ctx: CheckContext = {
          accountId: options.accountId,
          region: task.region,
          homeRegion: options.homeRegion,
          regions: options.regions,
          aws: options.aws,
          inventory,
          thresholds: options.thresholds,
          now,
        };
        const results = await runTask(task, ctx);
        done += 1;
        options.onProgress?.({ done, total: tasks.length, checkId: task.check.id, region: task.region });
        return results;
      }),
    ),
  );
  const results = perTask.flat();
  const counts = statusCounts(results);
  return {
    schemaVersion: 1,
    generatedAt: now().toISOString(),
    accounts: [options.accountId],
    regions: [...options.regions],
    summary: {
      ...counts,
      durationMs: Date.now() - started,
      awsRequests: { total: options.aws.counter.total, byOperation: options.aws.counter.byOperation() },
    },
    results,
  };
}
