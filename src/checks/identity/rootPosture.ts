import { describeError } from '../../aws/errors';
import { ACCOUNT_SUMMARY_ACTIONS, iamAccountSummary } from '../../aws/inventories/iamAccountSummary';
import { ACCESS_KEY_SLOTS, CREDENTIAL_REPORT_ACTIONS, type CredentialReportRow, iamCredentialReport, reportDate, reportFlag, ROOT_ROW_USER } from '../../aws/inventories/iamCredentialReport';
import { iamVirtualMfaDevices, VIRTUAL_MFA_DEVICE_ACTIONS } from '../../aws/inventories/iamVirtualMfaDevices';
import type { CheckContext, Finding, Status } from '../../core/types';
import { ageInDays, day, daysAgo } from './format';
import { actionList } from '../define';

/** What each root verdict reads: the credential report, the account summary, the virtual MFA devices. */
export const ROOT_USE_ACTIONS = actionList(CREDENTIAL_REPORT_ACTIONS);
export const ROOT_KEYS_ACTIONS = actionList(CREDENTIAL_REPORT_ACTIONS, ACCOUNT_SUMMARY_ACTIONS);
export const ROOT_MFA_ACTIONS = actionList(CREDENTIAL_REPORT_ACTIONS, ACCOUNT_SUMMARY_ACTIONS, VIRTUAL_MFA_DEVICE_ACTIONS);

/** One aspect of the root user's posture: what was found, as a finding's status and sentence. */
export interface RootVerdict {
  status: Extract<Status, 'PASS' | 'FAIL' | 'ERROR'>;
  message: string;
}

function rootArn(ctx: CheckContext): string {
  return `arn:aws:iam::${ctx.accountId}:root`;
}

/** The finding of a root check on the root user's ARN. */
export function rootFinding(ctx: CheckContext, verdict: RootVerdict): Finding {
  return { resource: rootArn(ctx), ...verdict };
}

/** The credential report's root row, or why there is none. */
async function rootRow(ctx: CheckContext): Promise<{ row?: CredentialReportRow; rowMissing?: string }> {
  try {
    const row = (await iamCredentialReport(ctx)).root;
    return row ? { row } : { rowMissing: `the IAM credential report has no ${ROOT_ROW_USER} row` };
  } catch (err) {
    return { rowMissing: `the IAM credential report could not be read (${describeError(err)})` };
  }
}

/** The live account summary, or why it could not be read. */
async function accountSummary(ctx: CheckContext): Promise<{ summary?: Record<string, number>; summaryMissing?: string }> {
  try {
    return { summary: await iamAccountSummary(ctx) };
  } catch (err) {
    return { summaryMissing: `the IAM account summary could not be read (${describeError(err)})` };
  }
}

async function rootSources(ctx: CheckContext) {
  const [row, summary] = await Promise.all([rootRow(ctx), accountSummary(ctx)]);
  return { ...row, ...summary };
}

function cannotEvaluate(what: string, reasons: Array<string | undefined>): RootVerdict {
  return { status: 'ERROR', message: `Cannot evaluate ${what}: ${reasons.filter(Boolean).join(', and ')}.` };
}

/**
 * FTR-3.1: the most recent use of the root password or a root access key. Only the
 * credential report records it, so without a root row the answer is unknown.
 */
export async function rootUseVerdict(ctx: CheckContext): Promise<RootVerdict> {
  const { row, rowMissing } = await rootRow(ctx);
  if (!row) return cannotEvaluate('root use', [rowMissing]);
  const uses = [
    { credential: 'password', date: reportDate(row.password_last_used) },
    ...ACCESS_KEY_SLOTS.map((n) => ({ credential: `access key ${n}`, date: reportDate(row[`access_key_${n}_last_used_date`]) })),
  ].filter((use): use is { credential: string; date: Date } => use.date !== undefined);
  const window = ctx.thresholds.rootUseWindowDays;
  if (uses.length === 0) return { status: 'PASS', message: 'The credential report records no use of the root password or root access keys.' };
  const last = uses.reduce((a, b) => (b.date > a.date ? b : a));
  const when = `${day(last.date)} (${daysAgo(last.date, ctx.now())})`;
  return ageInDays(last.date, ctx.now()) <= window
    ? { status: 'FAIL', message: `The root user's ${last.credential} was used on ${when}, within the ${window}-day window.` }
    : { status: 'PASS', message: `The root user was last used on ${when} (${last.credential}), outside the ${window}-day window.` };
}

/** FTR-3.2: root access keys, from the live account summary, else the credential report's root row. */
export async function rootKeysVerdict(ctx: CheckContext): Promise<RootVerdict> {
  const { row, rowMissing, summary, summaryMissing } = await rootSources(ctx);
  const present = summary?.AccountAccessKeysPresent;
  if (present !== undefined) {
    return present > 0
      ? { status: 'FAIL', message: `The IAM account summary reports access keys on the root user (AccountAccessKeysPresent = ${present}).` }
      : { status: 'PASS', message: 'The IAM account summary reports no root access keys (AccountAccessKeysPresent = 0).' };
  }
  const flags = row ? ACCESS_KEY_SLOTS.map((n) => ({ n, active: reportFlag(row[`access_key_${n}_active`]) })) : [];
  if (!row || flags.some((f) => f.active === undefined)) {
    return cannotEvaluate('root access keys', [summaryMissing ?? 'the IAM account summary has no AccountAccessKeysPresent', rowMissing ?? 'the credential report root row has no access key columns']);
  }
  const active = flags.filter((f) => f.active).map((f) => `access key ${f.n}`);
  return active.length > 0
    ? { status: 'FAIL', message: `The credential report shows active root ${active.join(' and ')}.` }
    : { status: 'PASS', message: 'The credential report shows no active root access keys.' };
}

/** FTR-3.3: root MFA, from the live account summary, else the credential report; its type from the virtual MFA devices. */
export async function rootMfaVerdict(ctx: CheckContext): Promise<RootVerdict> {
  const { row, rowMissing, summary, summaryMissing } = await rootSources(ctx);
  const fromSummary = summary?.AccountMFAEnabled;
  const fromReport = reportFlag(row?.mfa_active);
  let enabled: boolean;
  let source: string;
  if (fromSummary !== undefined) {
    enabled = fromSummary > 0;
    source = `the IAM account summary (AccountMFAEnabled = ${fromSummary})`;
  } else if (fromReport !== undefined) {
    enabled = fromReport;
    source = 'the credential report';
  } else {
    return cannotEvaluate('root MFA', [summaryMissing ?? 'the IAM account summary has no AccountMFAEnabled', rowMissing ?? 'the credential report root row has no mfa_active']);
  }
  if (!enabled) return { status: 'FAIL', message: `The root user has no MFA device, per ${source}.` };
  return { status: 'PASS', message: `The root user has MFA enabled (${await rootMfaKind(ctx)}), per ${source}.` };
}

/** A root MFA device that is not in the virtual MFA device list is a hardware token or FIDO security key. */
async function rootMfaKind(ctx: CheckContext): Promise<string> {
  try {
    const devices = await iamVirtualMfaDevices(ctx);
    return devices.some((d) => d.userArn?.endsWith(':root')) ? 'a virtual MFA device' : 'a hardware MFA or FIDO security key';
  } catch (err) {
    return `type unknown: ${describeError(err)}`;
  }
}
