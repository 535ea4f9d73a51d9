import { requirements } from '../core/requirements';
import type { Check } from '../core/types';

export interface CatalogRow {
  id: string;
  title: string;
  checks: Array<{ id: string; kind: Check['kind'] }>;
}

/** Requirement ID → the checks that evidence it. */
export function catalogRows(checks: readonly Check[]): CatalogRow[] {
  return requirements().all.map((r) => ({
    id: r.id,
    title: r.short,
    checks: checks.filter((c) => c.refs.includes(r.id)).map((c) => ({ id: c.id, kind: c.kind })),
  }));
}

export function formatCatalog(rows: readonly CatalogRow[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.id.padEnd(10)} ${row.title}`);
    if (row.checks.length === 0) lines.push('           (no check)');
    for (const c of row.checks) lines.push(`           → ${c.id} (${c.kind === 'automated' ? 'automated' : 'attestation'})`);
  }
  const automated = rows.filter((r) => r.checks.some((c) => c.kind === 'automated')).length;
  const uncovered = rows.filter((r) => r.checks.length === 0).length;
  lines.push(
    '',
    `${rows.length} requirements: ${automated} automated, ${rows.length - automated - uncovered} by attestation only, ${uncovered} without a check.`,
  );
  return `${lines.join('\n')}\n`;
}
