import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { effectiveStatus, type DecidedResult } from '../core/decisions';
import { requirementStatuses } from '../core/posture';
import { sectionOf } from '../core/requirements';
import { STATUSES, type CheckResult, type RequirementId, type Status } from '../core/types';
import type { ScanReport } from '../engine/scan';

/** One result of a past scan: enough to tell, between two scans, what newly fails, was fixed or newly errs, and for which requirement. */
export type CompactResult = Pick<CheckResult, 'checkId' | 'refs' | 'region' | 'resource' | 'status'>;

/** What the history keeps of one scan of one account, without its results. */
export interface ScanHistoryEntry {
  /** ISO-8601; identifies the entry within its account. */
  generatedAt: string;
  summary: Record<Status, number>;
  /** Per requirement, the worst status of the results that are evidence for it. */
  requirements: Record<RequirementId, Status>;
  /** Failing results per section (of each result's first requirement); absent in entries kept before it was recorded. */
  failingBySection?: Record<string, number>;
}

export interface CompactScan extends ScanHistoryEntry {
  results: CompactResult[];
}

export interface HistoryQuery {
  /** Only entries generated at or after this. */
  since?: Date;
  /** Only entries generated at or before this. */
  until?: Date;
  limit?: number;
}

function failingBySection(results: readonly DecidedResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    if (effectiveStatus(result) !== 'FAIL') continue;
    const section = sectionOf(result.refs[0]);
    counts[section] = (counts[section] ?? 0) + 1;
  }
  return counts;
}

/** The history entry of a report, with its compact results; an accepted finding is kept as met, so that its expiry shows as a new failure. */
export function compactScan(report: ScanReport): CompactScan {
  return {
    generatedAt: report.generatedAt,
    summary: Object.fromEntries(STATUSES.map((s) => [s, report.summary[s]])) as Record<Status, number>,
    requirements: requirementStatuses(report.results),
    failingBySection: failingBySection(report.results),
    results: report.results.map((result) => ({ checkId: result.checkId, refs: result.refs, region: result.region, resource: result.resource, status: effectiveStatus(result) })),
  };
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** How the stores keep large values (reports, result lists): gzip-compressed JSON. */
export async function gzipJson(value: unknown): Promise<Buffer> {
  return gzipAsync(JSON.stringify(value));
}

export async function gunzipJson<T>(body: Uint8Array): Promise<T> {
  return JSON.parse((await gunzipAsync(body)).toString('utf8')) as T;
}
