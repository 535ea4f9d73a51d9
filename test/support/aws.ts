import { AwsAccess } from '../../src/aws/clients';
import { DEFAULT_THRESHOLDS, type CheckThresholds } from '../../src/config/thresholds';
import type { Check, CheckResult } from '../../src/core/types';
import { runScan, type ScanReport } from '../../src/engine/scan';

export const ACCOUNT_ID = '123456789012';

/** The moto server of this Jest worker. */
export function motoUrl(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url) throw new Error('AWS_ENDPOINT_URL is not set: the Jest global set-up starts moto');
  return url;
}

/** Forgets everything moto holds, so each test starts from an empty account. */
export async function resetMoto(): Promise<void> {
  const res = await fetch(`${motoUrl()}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
}

/** The real AWS access layer, pointed at moto by AWS_ENDPOINT_URL, with quick retries. */
export function testAccess(): AwsAccess {
  return new AwsAccess({ maxAttempts: 2, retryMode: 'standard', requestTimeoutMs: 10_000 });
}

export interface ScanOptionsForTest {
  regions?: string[];
  thresholds?: Partial<CheckThresholds>;
  now?: () => Date;
  aws?: AwsAccess;
}

/** Runs the given checks against moto (or whatever `aws` reaches) through the real engine. */
export async function scanChecks(checks: Check[], options: ScanOptionsForTest = {}): Promise<ScanReport> {
  const aws = options.aws ?? testAccess();
  try {
    return await runScan({
      checks,
      accountId: ACCOUNT_ID,
      regions: options.regions ?? ['us-east-1'],
      homeRegion: 'us-east-1',
      aws,
      thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
      now: options.now,
    });
  } finally {
    if (!options.aws) aws.destroy();
  }
}

/** The result for one resource, failing the test when there is not exactly one. */
export function resultFor(report: ScanReport, checkId: string, resource: string, region?: string): CheckResult {
  const matches = report.results.filter(
    (r) => r.checkId === checkId && r.resource === resource && (region === undefined || r.region === region),
  );
  if (matches.length !== 1) {
    const seen = report.results.filter((r) => r.checkId === checkId).map((r) => `${r.status} ${r.region} ${r.resource}: ${r.message}`);
    throw new Error(`expected one ${checkId} result for ${resource}${region ? ` in ${region}` : ''}, found ${matches.length}:\n${seen.join('\n')}`);
  }
  return matches[0];
}
