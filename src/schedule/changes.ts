import type { CompactResult, CompactScan } from '../store';

/** A result that changed between two scans; `previous` is absent for a resource the earlier scan did not see. */
export interface ResultChange extends CompactResult {
  previous?: CompactResult['status'];
}

/** What changed between two scans of one account. */
export interface ScanChanges {
  /** Failing now, not failing (or not seen) before. */
  newFailures: ResultChange[];
  /** Failing before; passing, not applicable, or gone now (`status` then is the new one, absent when the resource is gone). */
  fixed: (CompactResult & { gone?: true })[];
  /** Could not be evaluated now, could before (or was not seen). */
  newErrors: ResultChange[];
}

const keyOf = (r: Pick<CompactResult, 'checkId' | 'region' | 'resource'>) => `${r.checkId}\u0000${r.region}\u0000${r.resource}`;

const byPlace = (a: CompactResult, b: CompactResult) =>
  a.checkId.localeCompare(b.checkId) || a.region.localeCompare(b.region) || a.resource.localeCompare(b.resource);

/**
 * The changes from `previous` to `current`. A FAIL that turns into an ERROR is a new error, not a
 * fix: what cannot be read is never counted as fixed.
 */
export function diffScans(previous: Pick<CompactScan, 'results'> | undefined, current: Pick<CompactScan, 'results'>): ScanChanges {
  const before = new Map((previous?.results ?? []).map((r) => [keyOf(r), r]));
  const changes: ScanChanges = { newFailures: [], fixed: [], newErrors: [] };
  const seen = new Set<string>();
  for (const result of current.results) {
    const key = keyOf(result);
    seen.add(key);
    const earlier = before.get(key);
    if (result.status === 'FAIL' && earlier?.status !== 'FAIL') changes.newFailures.push({ ...result, previous: earlier?.status });
    else if (result.status === 'ERROR' && earlier?.status !== 'ERROR') changes.newErrors.push({ ...result, previous: earlier?.status });
    else if (earlier?.status === 'FAIL' && (result.status === 'PASS' || result.status === 'NOT_APPLICABLE')) changes.fixed.push(result);
  }
  for (const [key, earlier] of before) {
    if (earlier.status === 'FAIL' && !seen.has(key)) changes.fixed.push({ ...earlier, gone: true });
  }
  changes.newFailures.sort(byPlace);
  changes.fixed.sort(byPlace);
  changes.newErrors.sort(byPlace);
  return changes;
}
