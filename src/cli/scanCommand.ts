import { closeSync, constants, fchmodSync, lstatSync, openSync, writeSync } from 'node:fs';
import { callerAccountId, defaultHomeRegion, enabledRegions } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError, errorName } from '../aws/errors';
import { catalog } from '../checks/catalog';
import type { AppConfig } from '../config/load';
import type { Check } from '../core/types';
import { runScan, type ScanProgress, type ScanReport } from '../engine/scan';

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

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function parseRegionList(text: string): string[] {
  const regions = [...new Set(text.split(',').map((r) => r.trim()).filter(Boolean))];
  if (regions.length === 0) throw new ScanSetupError('--regions: give at least one region, e.g. us-east-1,eu-west-1');
  const bad = regions.find((r) => !REGION.test(r));
  if (bad) throw new ScanSetupError(`--regions: "${bad}" is not an AWS region name (e.g. us-east-1)`);
  return regions;
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

/** Resolves the account and regions of the ambient credentials and scans them. */
export async function scanAccount(request: ScanRequest): Promise<ScanReport> {
  const env = request.env ?? process.env;
  const homeRegion = defaultHomeRegion(env);
  const aws = new AwsAccess({ env });
  try {
    let accountId: string;
    let regions: string[];
    try {
      accountId = await callerAccountId(aws, homeRegion);
      regions = request.regions ?? (await enabledRegions(aws, homeRegion));
    } catch (err) {
      throw setupFailure(err);
    }
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

/**
 * Refuses an `--output` that would follow a symbolic link or overwrite a file without `--force`,
 * before any scan is spent on it.
 */
export function checkOutputPath(file: string, force: boolean): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new ScanSetupError(`--output: cannot use ${file}: ${code ?? String(err)}`);
  }
  if (stat.isSymbolicLink()) throw new ScanSetupError(`--output: ${file} is a symbolic link; refusing to follow it`);
  if (!stat.isFile()) throw new ScanSetupError(`--output: ${file} is not a regular file`);
  if (!force) throw new ScanSetupError(`--output: ${file} exists; add --force to overwrite it`);
}

/**
 * The report to stdout, or to `file` readable by its owner only (it names the account's
 * weaknesses): created new, or truncated with `force`; never through a symbolic link.
 */
export function writeOutput(text: string, file: string | undefined, force = false): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  checkOutputPath(file, force);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (force ? constants.O_TRUNC : constants.O_EXCL), 0o600);
  } catch (err) {
    throw new ScanSetupError(`--output: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    // An existing file keeps its mode on open: make it private too.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
