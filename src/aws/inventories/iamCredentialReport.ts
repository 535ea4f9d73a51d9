import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { isErrorNamed } from '../errors';
import { defineInventory } from '../inventory';

/** What the credential report asks: generate it, then download it. */
export const CREDENTIAL_REPORT_ACTIONS = ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] as const;

/** The report's name for the root user's row. */
export const ROOT_ROW_USER = '<root_account>';

/** One row of the IAM credential report, columns as AWS names them (every value a string). */
export type CredentialReportRow = Record<string, string>;

export interface CredentialReport {
  /** The `<root_account>` row; missing where the report has none (emulators). */
  root?: CredentialReportRow;
  /** Every IAM user's row. */
  users: CredentialReportRow[];
}

export interface CredentialReportPolling {
  /** GenerateCredentialReport calls before giving up. */
  attempts: number;
  /** Wait before the second call; doubles after each call up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Errors of GetCredentialReport that mean "generate again" (SDK names and wire codes). */
const REPORT_NOT_READY = [
  'CredentialReportNotReadyException',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'ReportInProgress',
  'ReportNotPresent',
  'ReportExpired',
];

const DEFAULT_POLLING: CredentialReportPolling = { attempts: 10, firstDelayMs: 500, maxDelayMs: 4_000 };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks IAM to (re)generate the credential report until it is COMPLETE, then downloads
 * and parses it. IAM reuses a report younger than four hours, so on a busy account the
 * first call usually answers COMPLETE at once.
 */
export async function loadCredentialReport(iam: IAMClient, polling: CredentialReportPolling = DEFAULT_POLLING): Promise<CredentialReport> {
  const sleep = polling.sleep ?? wait;
  let delay = polling.firstDelayMs;
  let lastState = 'unknown';
  for (let attempt = 1; attempt <= polling.attempts; attempt += 1) {
    const generated = await iam.send(new GenerateCredentialReportCommand({}));
    lastState = generated.State ?? 'unknown';
    if (lastState === 'COMPLETE') {
      try {
        return parseCredentialReport(await iam.send(new GetCredentialReportCommand({})));
      } catch (err) {
        // Another caller may have started a fresh generation between the two calls.
        if (!isErrorNamed(err, ...REPORT_NOT_READY)) throw err;
      }
    }
    if (attempt < polling.attempts) {
      await sleep(delay);
      delay = Math.min(delay * 2, polling.maxDelayMs);
    }
  }
  throw new Error(`the IAM credential report was not COMPLETE after ${polling.attempts} GenerateCredentialReport calls (last state ${lastState})`);
}

function parseCredentialReport(out: { Content?: Uint8Array }): CredentialReport {
  if (!out.Content) throw new Error('GetCredentialReport returned no content');
  const rows = parse(Buffer.from(out.Content).toString('utf8'), { columns: true, skip_empty_lines: true, trim: true }) as CredentialReportRow[];
  return {
    root: rows.find((row) => row.user === ROOT_ROW_USER),
    users: rows.filter((row) => row.user !== ROOT_ROW_USER),
  };
}

/** The account's IAM credential report, generated and fetched once per scan. */
export const iamCredentialReport = defineInventory<CredentialReport>('iam.credentialReport', 'global', (ctx, region) =>
  loadCredentialReport(ctx.aws.client(IAMClient, region)),
);

/** A report date column as a Date; undefined for `N/A`, `no_information`, `not_supported` or an empty cell. */
export function reportDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A report boolean column; undefined when the cell is neither `true` nor `false`. */
export function reportFlag(value: string | undefined): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The numbers of a user's access key slots, as the report names them (`access_key_1_…`, `access_key_2_…`). */
export const ACCESS_KEY_SLOTS = [1, 2] as const;
