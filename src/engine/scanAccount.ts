import { callerAccountId, defaultHomeRegion, enabledRegions } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError, errorName } from '../aws/errors';
import { catalog } from '../checks/catalog';
import type { AppConfig } from '../config/load';
import type { Check } from '../core/types';
import { runScan, type ScanProgress, type ScanReport } from './scan';

export interface ScanRequest {
  config: AppConfig;
  /** Regions to scan; every enabled region when absent. */
  regions?: string[];
  checks?: readonly Check[];
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: ScanProgress) => void;
}

/** Why a scan could not run at all: one line for the user. */
export class ScanSetupError extends Error {
  override name = 'ScanSetupError';
}

function setupFailure(err: unknown): ScanSetupError {
  const name = errorName(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(String((err as Error)?.message))) {
    return new ScanSetupError(
      'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance or task role',
    );
  }
  if (/InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient/.test(name)) {
    return new ScanSetupError(`AWS rejected the credentials (${name}): refresh or replace them`);
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|TimeoutError/.test(`${name} ${(err as Error)?.message}`)) {
    return new ScanSetupError(`cannot reach AWS: ${describeError(err)}`);
  }
  return new ScanSetupError(`cannot start the scan: ${describeError(err)}`);
}

/** The account of `aws`'s credentials and the regions to scan in it (the enabled ones unless given); a ScanSetupError when they cannot be read. */
export async function accountScope(aws: AwsAccess, homeRegion: string, regions?: string[]): Promise<{ accountId: string; regions: string[] }> {
  try {
    const accountId = await callerAccountId(aws, homeRegion);
    return { accountId, regions: regions ?? (await enabledRegions(aws, homeRegion)) };
  } catch (err) {
    throw setupFailure(err);
  }
}

/** Resolves the account and regions of the ambient credentials and scans them. */
export async function scanAccount(request: ScanRequest): Promise<ScanReport> {
  const env = request.env ?? process.env;
  const homeRegion = defaultHomeRegion(env);
  const aws = new AwsAccess({ env });
  try {
    const { accountId, regions } = await accountScope(aws, homeRegion, request.regions);
    return await runScan({
      checks: request.checks ?? catalog,
      accountId,
      regions,
      homeRegion,
      aws,
      thresholds: request.config.thresholds,
      onProgress: request.onProgress,
    });
  } finally {
    aws.destroy();
  }
}
