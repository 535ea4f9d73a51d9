import type { KnownBlock } from '@slack/types';
import { effectiveStatus } from '../../core/decisions';
import { automatedRequirements, requirementPosture, requirementStatuses } from '../../core/posture';
import { ACCOUNT_ACCESS_CHECK_ID, type Check, type CheckResult } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { clipMrkdwn, codeSpan, escapeMrkdwn } from '../mrkdwn';
import { formatAge, messageText, plural } from './format';
import { context, header, packSections } from './kit';
import type { SlackMessage } from './types';

/** One scanned account as the organization view shows it. */
export interface AccountStanding {
  accountId: string;
  alias?: string;
  /** The latest report, decisions applied; absent when the account was never scanned. */
  report?: ScanReport;
}

/** Accounts listed in the message; the rest are counted (the message stays within Slack's limits). */
const ACCOUNTS_SHOWN = 40;

interface Row {
  line: string;
  /** The account and its state in a few words, for the notification text. */
  brief: string;
  /** Lower is worse: sorted ascending, then by name. */
  rank: [number, number, number];
  name: string;
}

/**
 * The access ERROR of an account that could not be scanned: its report has nothing else. (The bot's
 * own account may carry an access ERROR about the organization next to its own results.)
 */
function unreachableResult(report: ScanReport): CheckResult | undefined {
  const access = report.results.find((r) => r.checkId === ACCOUNT_ACCESS_CHECK_ID && r.status === 'ERROR');
  return access && report.results.every((r) => r.checkId === ACCOUNT_ACCESS_CHECK_ID) ? access : undefined;
}

function rowOf(account: AccountStanding, automated: ReadonlySet<string>, now: Date): Row {
  const name = account.alias ? `*${escapeMrkdwn(account.alias)}* ${codeSpan(account.accountId)}` : codeSpan(account.accountId);
  const plain = account.alias ? `${escapeMrkdwn(account.alias)} (${account.accountId})` : account.accountId;
  const sortName = account.alias ?? account.accountId;
  const { report } = account;
  if (!report) return { line: `:grey_question: ${name} — not scanned yet`, brief: `${plain}, not scanned yet`, rank: [0, 1, 0], name: sortName };
  const age = formatAge(new Date(report.generatedAt), now);
  const unreachable = unreachableResult(report);
  if (unreachable) {
    return { line: `:warning: ${name} — not scanned: ${messageText(unreachable.message)} (${age})`, brief: `${plain}, not scanned`, rank: [0, 0, 0], name: sortName };
  }
  const posture = requirementPosture(requirementStatuses(report.results), automated);
  const failing = new Set(report.results.filter((r) => effectiveStatus(r) === 'FAIL').map((r) => r.resource)).size;
  const errors = report.results.filter((r) => r.status === 'ERROR').length;
  const met = `${posture.met} of ${posture.total} requirements met`;
  const parts = [met, failing > 0 ? plural(failing, 'failing resource') : '', errors > 0 ? plural(errors, 'error') : '', `scanned ${age}`];
  const emoji = failing > 0 ? ':x:' : errors > 0 ? ':warning:' : ':white_check_mark:';
  return { line: `${emoji} ${name} — ${parts.filter(Boolean).join(' · ')}`, brief: `${plain}, ${met}`, rank: [1, posture.met, -failing], name: sortName };
}

const byRank = (a: Row, b: Row) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2] || a.name.localeCompare(b.name);

/** Every scanned account, the worst first: unreachable, then not scanned yet, then fewest requirements met, then most failing resources. */
export function accountsStatusMessage(input: { accounts: readonly AccountStanding[]; checks: readonly Check[]; now: Date }): SlackMessage {
  const automated = automatedRequirements(input.checks);
  const rows = input.accounts.map((a) => rowOf(a, automated, input.now)).sort(byRank);
  const shown = rows.slice(0, ACCOUNTS_SHOWN).map((r) => r.line);
  const more = rows.length - shown.length;
  const title = `FTR readiness of ${plural(input.accounts.length, 'account')}`;
  const blocks: KnownBlock[] = [
    header(title),
    ...packSections(shown),
    ...(more > 0 ? [context(`…and ${plural(more, 'more account')}, none worse than those above.`)] : []),
    context(`Worst first. ${codeSpan('/ftr status <account id or alias> [section]')} shows one account; ${codeSpan('/ftr scan <account>')} scans it.`),
  ];
  return { text: clipMrkdwn(rows.length > 0 ? `${title}; worst: ${rows[0].brief}` : title, 300), blocks };
}
