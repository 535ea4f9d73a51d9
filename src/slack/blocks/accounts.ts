import type { KnownBlock } from '@slack/types';
import { effectiveStatus } from '../../core/decisions';
import { automatedRequirements, requirementPosture, requirementStatuses } from '../../core/posture';
import type { Check } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { codeSpan, escapeMrkdwn } from '../mrkdwn';
import { formatAge, plural } from './format';
import { context, header, packSections } from './kit';
import type { SlackMessage } from './types';

/** One scanned account as the organization view shows it. */
export interface AccountStanding {
  accountId: string;
  alias?: string;
  /** The latest report, decisions applied; absent when the account was never scanned. */
  report?: ScanReport;
}

/** The check id of an account's access result (see engine/scanAccounts): its ERROR means the account was not scanned. */
const ACCOUNT_ACCESS_CHECK_ID = 'account_access';
/** Accounts listed in the message; the rest are counted (the message stays within Slack's limits). */
const ACCOUNTS_SHOWN = 40;

interface Row {
  line: string;
  /** Lower is worse: sorted ascending. */
  rank: [number, number, number];
}

function rowOf(account: AccountStanding, automated: ReadonlySet<string>, now: Date): Row {
  const name = account.alias ? `*${escapeMrkdwn(account.alias)}* ${codeSpan(account.accountId)}` : codeSpan(account.accountId);
  const { report } = account;
  if (!report) return { line: `:grey_question: ${name} — not scanned yet`, rank: [0, 0, 0] };
  const unreachable = report.results.find((r) => r.checkId === ACCOUNT_ACCESS_CHECK_ID && r.status === 'ERROR');
  const age = formatAge(new Date(report.generatedAt), now);
  if (unreachable) return { line: `:warning: ${name} — not scanned: ${escapeMrkdwn(unreachable.message)} (${age})`, rank: [0, 1, 0] };
  const posture = requirementPosture(requirementStatuses(report.results), automated);
  const failing = new Set(report.results.filter((r) => effectiveStatus(r) === 'FAIL').map((r) => r.resource)).size;
  const errors = report.results.filter((r) => r.status === 'ERROR').length;
  const parts = [`${posture.met} of ${posture.total} requirements met`, failing > 0 ? plural(failing, 'failing resource') : '', errors > 0 ? plural(errors, 'error') : '', `scanned ${age}`];
  const emoji = failing > 0 ? ':x:' : errors > 0 ? ':warning:' : ':white_check_mark:';
  return { line: `${emoji} ${name} — ${parts.filter(Boolean).join(' · ')}`, rank: [1, posture.met, -failing] };
}

const byRank = (a: Row, b: Row) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2];

/** Every scanned account, the worst first: not scanned or unreachable, then fewest requirements met, then most failing resources. */
export function accountsStatusMessage(input: { accounts: readonly AccountStanding[]; checks: readonly Check[]; now: Date }): SlackMessage {
  const automated = automatedRequirements(input.checks);
  const rows = input.accounts.map((a) => rowOf(a, automated, input.now)).sort(byRank);
  const shown = rows.slice(0, ACCOUNTS_SHOWN).map((r) => r.line);
  const more = rows.length - shown.length;
  const blocks: KnownBlock[] = [
    header(`FTR readiness of ${plural(input.accounts.length, 'account')}`),
    ...packSections(shown),
    ...(more > 0 ? [context(`…and ${plural(more, 'more account')}, better than those above.`)] : []),
    context('Worst first. `/ftr status <account id or alias> [section]` shows one account; `/ftr scan <account>` scans it.'),
  ];
  const worst = rows[0]?.line.replace(/[*`]/g, '') ?? '';
  return { text: `FTR readiness of ${plural(input.accounts.length, 'account')}; worst: ${worst}`.slice(0, 300), blocks };
}
