import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { STATUSES, type CheckResult, type RequirementId, type Status } from '../core/types';
import type { ScanReport } from '../engine/scan';

/** One result of a past scan: enough to tell, between two scans, what newly fails, was fixed or newly errs. */
export type CompactResult = Pick<CheckResult, 'checkId' | 'region' | 'resource' | 'status'>;

/** What the history keeps of one scan of one account, without its results. */
export interface ScanHistoryEntry {
  /** ISO-8601; identifies the entry within its account. */
  generatedAt: string;
  summary: Record<Status, number>;
  /** Per requirement, the worst status of the results that are evidence for it. */
  requirements: Record<RequirementId, Status>;
}

export interface CompactScan extends ScanHistoryEntry {
  results: CompactResult[];
}

export interface HistoryQuery {
  /** Only entries generated at or after this. */
  since?: Date;
  limit?: number;
}

/** Worst first: a requirement takes the status of its worst result. */
const SEVERITY_ORDER: readonly Status[] = ['FAIL', 'ERROR', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

const worse = (a: Status, b: Status): Status => (SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b);

/** The history entry of a report, with its compact results. */
export function compactScan(report: ScanReport): CompactScan {
  const requirements = new Map<RequirementId, Status>();
  for (const result of report.results) {
    for (const ref of result.refs) {
      const known = requirements.get(ref);
      requirements.set(ref, known === undefined ? result.status : worse(known, result.status));
    }
  }
  return {
    generatedAt: report.generatedAt,
    summary: Object.fromEntries(STATUSES.map((s) => [s, report.summary[s]])) as Record<Status, number>,
    requirements: Object.fromEntries(requirements),
    results: report.results.map(({ checkId, region, resource, status }) => ({ checkId, region, resource, status })),
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
