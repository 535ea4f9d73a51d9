import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Decisions } from '../core/decisions';
import type { RequirementSet } from '../core/requirements';
import type { Check } from '../core/types';
import type { ScanReport } from '../engine/scan';
import { EVIDENCE_FILES, utcMinute, type EvidencePack } from '../report/evidence';
import { evidencePack } from '../report/evidencePack';
import { printable } from '../report/format';
import { decide, DEFAULT_STORE_FILE, missingStoreFile, openStoreAsync, storeFailureReason } from '../store';
import { checkOutputPath, writeOutput } from './scanCommand';

/** Where `ftr evidence` writes without `--output`. */
export const DEFAULT_EVIDENCE_DIR = 'evidence';

/** Why the evidence pack could not be written: one line for the user. */
export class EvidenceCommandError extends Error {
  override name = 'EvidenceCommandError';
}

export interface EvidenceDeps {
  now: () => Date;
  /** Names the store, as for `ftr serve`. */
  storeUrl: string | undefined;
  checks: readonly Check[];
  requirements: RequirementSet;
  ambientAccountId: () => Promise<string>;
}

export interface EvidenceOptions {
  outputDir?: string;
  accountId?: string;
  force: boolean;
}

const storeLabel = (storeUrl: string | undefined): string => (storeUrl?.trim() ? `STORE_URL=${printable(storeUrl.trim())}` : `STORE_URL unset: ${DEFAULT_STORE_FILE}`);


/** The directory, created readable by its owner only when missing. */
function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new EvidenceCommandError(`--output: cannot create the directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!statSync(dir).isDirectory()) throw new EvidenceCommandError(`--output: ${dir} is not a directory`);
}

/** "Account …, scan of …: 20 of 46 FTR requirements met, 3 not met, 23 open; 30 of 62 with the Well-Architected Security checklist." */
export function verdictLine({ summary: s, verdicts }: Pick<EvidencePack, 'summary' | 'verdicts'>): string {
  const ftr = Object.values(verdicts);
  const counted = (verdict: string) => ftr.filter((v) => v === verdict).length;
  return `Account ${s.accountId}, scan of ${utcMinute(s.scannedAt)}: ${s.ftrMet} of ${s.ftrTotal} FTR requirements met, ${counted('not met')} not met, ${counted('open')} open; ${s.met} of ${s.total} with the Well-Architected Security checklist.`;
}

/**
 * `ftr evidence`: writes the FTR evidence pack of the account's last recorded scan, with its
 * attestations and exceptions applied now, and resolves to what to print: the files and the verdicts.
 */
export async function writeEvidence(options: EvidenceOptions, deps: EvidenceDeps): Promise<string> {
  const dir = options.outputDir ?? DEFAULT_EVIDENCE_DIR;
  const files = { markdown: join(dir, EVIDENCE_FILES.markdown), pdf: join(dir, EVIDENCE_FILES.pdf), csv: join(dir, EVIDENCE_FILES.csv) };
  // Refused before anything is read or written: no pack half overwritten.
  for (const file of Object.values(files)) checkOutputPath(file, options.force);
  const accountId = options.accountId ?? (await deps.ambientAccountId());
  const noScan = new EvidenceCommandError(`no scan of account ${accountId} in the store (${storeLabel(deps.storeUrl)}): run a scan first (the Slack app records its scans; npx ftr scan only prints a report)`);
  if (missingStoreFile(deps.storeUrl) !== undefined) throw noScan;

  const store = await openStoreAsync(deps.storeUrl);
  let last: ScanReport | undefined;
  let decisions: Decisions;
  try {
    [last, decisions] = await Promise.all([store.lastScan(accountId), store.decisions(accountId)]);
  } catch (err) {
    const reason = storeFailureReason(err) ?? (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new EvidenceCommandError(`cannot read the last scan from the store: ${printable(reason)}`);
  } finally {
    await store.close();
  }
  if (!last) throw noScan;

  const now = deps.now();
  const pack = await evidencePack({ report: decide(last, decisions, now), decisions, requirements: deps.requirements, checks: deps.checks, now, accountId });
  ensureDirectory(dir);
  writeOutput(pack.markdown, files.markdown, options.force);
  writeOutput(pack.pdf, files.pdf, options.force);
  writeOutput(pack.csv, files.csv, options.force);
  return `${Object.values(files).map((file) => `Wrote ${file}`).join('\n')}\n${verdictLine(pack)}\n`;
}
