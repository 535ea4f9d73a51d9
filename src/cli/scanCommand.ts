import { closeSync, constants, fchmodSync, lstatSync, openSync, writeSync } from 'node:fs';
import type { ScanReport } from '../engine/scan';
import { ScanSetupError } from '../engine/scanAccount';
import { scanAccounts, type AccountsScanRequest } from '../engine/scanAccounts';
import { decideFromStore, missingStoreFile, openStoreAsync } from '../store';
import { accountRegistration } from '../store/accountRegistry';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function parseRegionList(text: string): string[] {
  const regions = [...new Set(text.split(',').map((r) => r.trim()).filter(Boolean))];
  if (regions.length === 0) throw new ScanSetupError('--regions: give at least one region, e.g. us-east-1,eu-west-1');
  const bad = regions.find((r) => !REGION.test(r));
  if (bad) throw new ScanSetupError(`--regions: "${bad}" is not an AWS region name (e.g. us-east-1)`);
  return regions;
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
export function writeOutput(text: string | Uint8Array, file: string | undefined, force = false): void {
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
    writeSync(fd, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  } finally {
    closeSync(fd);
  }
}

/** Every configured account (and organization member), with the external IDs from the store STORE_URL names. */
export async function scanConfigured(request: Omit<AccountsScanRequest, 'registration'>, storeUrl = process.env.STORE_URL): Promise<ScanReport> {
  const store = await openStoreAsync(storeUrl);
  try {
    return await scanAccounts({ ...request, registration: (accountId) => accountRegistration(store, accountId) });
  } finally {
    await store.close();
  }
}

/**
 * The report with the attestations and exceptions recorded in the store STORE_URL names (by the
 * Slack app); the report as scanned when that store does not exist yet.
 */
export async function withRecordedDecisions(report: ScanReport, now: Date, storeUrl = process.env.STORE_URL): Promise<ScanReport> {
  if (missingStoreFile(storeUrl) !== undefined) return report;
  const store = await openStoreAsync(storeUrl);
  try {
    return await decideFromStore(store, report, now);
  } finally {
    await store.close();
  }
}
