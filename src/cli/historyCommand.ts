import { InvalidArgumentError } from 'commander';
import { callerAccountId, defaultHomeRegion } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import { automatedRequirements, requirementPosture, type SectionPosture } from '../core/posture';
import type { Check, Status } from '../core/types';
import { ScanSetupError } from '../engine/scanAccount';
import { printable } from '../report/format';
import { missingStoreFile, openStoreAsync, type ScanHistoryEntry } from '../store';

export const HISTORY_FORMATS = ['table', 'json'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** How far back `ftr history` looks without `--since`. */
export const DEFAULT_SINCE_DAYS = 30;

const HOUR_MS = 3_600_000;
const SPAN_MS: Record<string, number> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };
const SPAN = /^(\d+)([hdw])$/i;
/** A date, or a date and time with its zone: a time without one would be read in the local zone of whoever runs it. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;
const ACCOUNT_ID = /^\d{12}$/;

/** Why a history could not be read from the store: one line for the user. */
export class HistoryReadError extends Error {
  override name = 'HistoryReadError';
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `--since`: an ISO date (midnight UTC) or date and time with a zone, or a span back from `now` such as 24h, 7d, 12w. */
export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  const span = SPAN.exec(value);
  const iso = ISO.exec(value);
  let since: Date | undefined;
  if (span && Number(span[1]) > 0) since = new Date(now.getTime() - Number(span[1]) * SPAN_MS[span[2].toLowerCase()]);
  else if (iso && isCalendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) since = new Date(iso[4] ? value : `${value}T00:00:00Z`);
  if (since === undefined || Number.isNaN(since.getTime())) {
    throw new InvalidArgumentError('use an ISO date, or date and time with a zone (2026-11-01, 2026-11-01T09:00Z), or a span back from now (24h, 7d, 12w)');
  }
  return since;
}

export function parseAccountId(text: string): string {
  if (!ACCOUNT_ID.test(text)) throw new InvalidArgumentError('an AWS account id is 12 digits, e.g. 123456789012');
  return text;
}

export function parseHistoryFormat(value: string): HistoryFormat {
  if (!(HISTORY_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`use one of ${HISTORY_FORMATS.join(', ')}`);
  return value as HistoryFormat;
}

/** One scan of the history as `ftr history` prints it. */
export interface HistoryRow {
  accountId: string;
  generatedAt: string;
  met: number;
  total: number;
  automatedMet: number;
  automatedTotal: number;
  summary: Record<Status, number>;
  /** Requirements met minus those of the row before; null on the first row. */
  change: number | null;
  sections: SectionPosture[];
}

/** The rows of one account's history entries (given newest first, as the store returns them), oldest first. */
export function historyRows(accountId: string, entries: readonly ScanHistoryEntry[], checks: readonly Check[]): HistoryRow[] {
  const automated = automatedRequirements(checks);
  let previousMet: number | undefined;
  return [...entries].reverse().map((entry) => {
    const { met, total, automatedMet, automatedTotal, sections } = requirementPosture(entry.requirements, automated);
    const row = { accountId, generatedAt: entry.generatedAt, met, total, automatedMet, automatedTotal, summary: entry.summary, change: previousMet === undefined ? null : met - previousMet, sections };
    previousMet = met;
    return row;
  });
}

/** "2026-11-01 09:00" of an ISO-8601 time in UTC. */
function utcMinute(iso: string): string {
  return printable(iso.slice(0, 16).replace('T', ' '));
}

function signed(change: number | null): string {
  if (change === null) return '';
  return change > 0 ? `+${change}` : String(change);
}

const COLUMNS = ['generated (UTC)', 'requirements', 'automated', 'FAIL', 'ERROR', 'MANUAL', 'PASS', 'change'];

/** Each column as wide as its widest cell: the first left-aligned, the numbers right-aligned. */
function alignColumns(lines: readonly string[][]): string[] {
  const widths = lines[0].map((_, column) => Math.max(...lines.map((cells) => cells[column].length)));
  return lines.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd());
}

export function formatHistoryTable(rows: readonly HistoryRow[], accountId: string, since: Date): string {
  const when = utcMinute(since.toISOString());
  if (rows.length === 0) {
    return `No scan history of ${printable(accountId)} since ${when} UTC. The Slack app (ftr serve) records every scan it runs; ftr scan prints a report without recording it.\n`;
  }
  const cells = rows.map((r) => [
    utcMinute(r.generatedAt),
    `${r.met}/${r.total}`,
    `${r.automatedMet}/${r.automatedTotal}`,
    ...(['FAIL', 'ERROR', 'MANUAL', 'PASS'] as const).map((status) => String(r.summary[status])),
    signed(r.change),
  ]);
  return `Scan history of ${printable(accountId)} since ${when} UTC, oldest first\n${alignColumns([COLUMNS, ...cells]).join('\n')}\n`;
}

export function formatHistory(rows: readonly HistoryRow[], format: HistoryFormat, accountId: string, since: Date): string {
  return format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : formatHistoryTable(rows, accountId, since);
}

/** The account of the ambient AWS credentials. */
export async function ambientAccountId(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const aws = new AwsAccess({ env });
  try {
    return await callerAccountId(aws, defaultHomeRegion(env));
  } catch (err) {
    throw new ScanSetupError(`cannot identify the account of the AWS credentials (${describeError(err)}): give --account`);
  } finally {
    aws.destroy();
  }
}


export interface HistoryDeps {
  now: () => Date;
  /** Names the store, as for `ftr serve`. */
  storeUrl: string | undefined;
  checks: readonly Check[];
  ambientAccountId: () => Promise<string>;
}

/** `ftr history`: the scan history of one account since a time, as text to print. */
export async function historyText(options: { accountId?: string; since?: Date; format: HistoryFormat }, deps: HistoryDeps): Promise<string> {
  const since = options.since ?? new Date(deps.now().getTime() - DEFAULT_SINCE_DAYS * 24 * HOUR_MS);
  const missing = missingStoreFile(deps.storeUrl);
  if (missing !== undefined) {
    return options.format === 'json' ? '[]\n' : `No scan history: there is no store at ${printable(missing)}. Set STORE_URL to the store ftr serve uses.\n`;
  }
  const accountId = options.accountId ?? (await deps.ambientAccountId());
  const store = await openStoreAsync(deps.storeUrl);
  let entries: ScanHistoryEntry[];
  try {
    entries = await store.scanHistory(accountId, { since });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new HistoryReadError(`cannot read the scan history from the store: ${printable(reason.split('\n')[0])}`);
  } finally {
    await store.close();
  }
  return formatHistory(historyRows(accountId, entries, deps.checks), options.format, accountId, since);
}
