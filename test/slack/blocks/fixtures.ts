import type { KnownBlock } from '@slack/types';
import type { Check, CheckResult, Status } from '../../../src/core/types';
import type { ScanReport } from '../../../src/engine/scan';
import type { CommandSummary } from '../../../src/slack/blocks';

export const ACCOUNT = '123456789012';
export const GENERATED_AT = '2024-05-01T10:00:00.000Z';
/** Twelve minutes after the report was gathered. */
export const NOW = new Date('2024-05-01T10:12:00.000Z');

export function result(overrides: Partial<CheckResult> & Pick<CheckResult, 'checkId'>): CheckResult {
  const status: Status = overrides.status ?? 'FAIL';
  return {
    refs: ['FTR-7.1'],
    status,
    severity: 'medium',
    accountId: ACCOUNT,
    region: 'global',
    resource: 'account',
    message: `${overrides.checkId} says ${status}.`,
    ...(status === 'PASS' ? {} : { remediation: `Fix ${overrides.checkId}.` }),
    ...overrides,
  };
}

export function report(results: CheckResult[], options: { generatedAt?: string; regions?: string[] } = {}): ScanReport {
  const counts = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 };
  for (const r of results) counts[r.status] += 1;
  return {
    schemaVersion: 1,
    generatedAt: options.generatedAt ?? GENERATED_AT,
    accounts: [ACCOUNT],
    regions: options.regions ?? ['eu-west-1', 'us-east-1'],
    summary: { ...counts, durationMs: 1000, awsRequests: { total: 10, byOperation: {} } },
    results,
  };
}

export function check(overrides: Partial<Check> & Pick<Check, 'id'>): Check {
  return {
    refs: ['FTR-7.1'],
    title: `Title of ${overrides.id}`,
    severity: 'medium',
    rationale: 'FTR-7.1: “Require MFA.”',
    remediation: `Fix ${overrides.id}.`,
    scope: 'global',
    kind: 'automated',
    run: async () => [],
    ...overrides,
  };
}

export function userArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:user/${name}`;
}

/**
 * A report as large as a big account produces: `checks` failing checks spread over every
 * section of both documents, with `perCheck` results each (long resource names included).
 */
export function largeReport(options: { checks: number; perCheck: number; nameLength?: number; refs: string[] }): { report: ScanReport; checks: Check[] } {
  const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
  const statuses: Status[] = ['FAIL', 'PASS', 'ERROR', 'MANUAL', 'FAIL', 'NOT_APPLICABLE'];
  const checks: Check[] = [];
  const results: CheckResult[] = [];
  for (let c = 0; c < options.checks; c += 1) {
    const id = `check_${String(c).padStart(3, '0')}_${'x'.repeat(40)}`;
    const refs = [options.refs[c % options.refs.length]];
    const severity = severities[c % severities.length];
    checks.push(check({ id, refs, severity, title: `A very descriptive check title number ${c} ${'t'.repeat(200)}` }));
    for (let i = 0; i < options.perCheck; i += 1) {
      const name = `${'n'.repeat(Math.max(0, (options.nameLength ?? 20) - 10))}-${String(i).padStart(9, '0')}`;
      results.push(
        result({
          checkId: id,
          refs,
          severity,
          status: i === 0 ? 'FAIL' : statuses[i % statuses.length],
          region: i % 2 === 0 ? 'global' : 'eu-west-1',
          resource: userArn(name),
          message: `User ${name} <!channel> has *bold* problem number ${i}; ${'m'.repeat(400)}`,
          remediation: `Do the fix for ${id}: \`aws iam something\` ${'r'.repeat(1000)}`,
        }),
      );
    }
  }
  return { report: report(results, { regions: Array.from({ length: 30 }, (_v, i) => `region-${i}`) }), checks };
}

/** Every text in the blocks, in order, for content assertions. */
export function texts(blocks: readonly KnownBlock[] | readonly unknown[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.text === 'string') out.push(record.text);
      for (const [key, v] of Object.entries(record)) if (key !== 'text' || typeof v !== 'string') visit(v);
    }
  };
  visit(blocks);
  return out;
}

export function allText(blocks: readonly KnownBlock[] | readonly unknown[]): string {
  return texts(blocks).join('\n');
}

export const COMMANDS: CommandSummary[] = [
  { name: 'status', usage: '/ftr status [section]', summary: 'Readiness per FTR section, with the top failures.', requires: 'read' as const },
  { name: 'check', usage: '/ftr check <id>', summary: 'Every resource for a requirement, section or check.', requires: 'read' as const },
  { name: 'scan', usage: '/ftr scan', summary: 'Scan the account now.', requires: 'scan' as const },
];
