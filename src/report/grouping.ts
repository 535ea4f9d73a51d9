import { requirements, sectionOf } from '../core/requirements';
import type { CheckResult, Status } from '../core/types';

export interface SectionGroup {
  id: string;
  title: string;
  results: CheckResult[];
  counts: Record<Status, number>;
}

const STATUS_ORDER: Record<Status, number> = { ERROR: 0, FAIL: 1, MANUAL: 2, NOT_APPLICABLE: 3, PASS: 4 };

/** Results grouped by the section of their first requirement, in document order; worst first within a section. */
export function groupBySection(results: readonly CheckResult[]): SectionGroup[] {
  const groups = requirements().sections.map((s) => ({
    id: s.id,
    title: s.title,
    results: [] as CheckResult[],
    counts: { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 },
  }));
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const r of results) {
    const group = byId.get(sectionOf(r.refs[0]));
    if (!group) continue;
    group.results.push(r);
    group.counts[r.status] += 1;
  }
  for (const g of groups) {
    g.results.sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        a.checkId.localeCompare(b.checkId) ||
        a.region.localeCompare(b.region) ||
        a.resource.localeCompare(b.resource),
    );
  }
  return groups.filter((g) => g.results.length > 0);
}
