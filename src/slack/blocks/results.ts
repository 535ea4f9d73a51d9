import type { KnownBlock } from '@slack/types';
import { catalog } from '../../checks/catalog';
import { requirements } from '../../core/requirements';
import type { Check, CheckResult, Status } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { groupBySection } from '../../report/grouping';
import { authoredMrkdwn, codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import {
  checkTitle,
  closestMatches,
  countsLine,
  emptyCounts,
  formatAge,
  listWithMore,
  messageText,
  plural,
  resolveSection,
  resourceName,
  sectionRank,
  SEVERITY_EMOJI,
  severityRank,
  slackDate,
  STATUS_EMOJI,
  statusCount,
} from './format';
import { context, header, packSections, section, withThread } from './kit';
import type { SlackMessage } from './types';

/** Checks listed before "… and N more checks". */
const CHECKS_SHOWN = 15;
/** Non-passing resources listed per check before "… and N more". */
const DETAILED_PER_CHECK = 15;
/** Statuses listed one resource per line; the others are summarised in one line. */
const DETAILED: readonly Status[] = ['FAIL', 'ERROR', 'MANUAL'];
const SUMMARISED: readonly Status[] = ['PASS', 'NOT_APPLICABLE'];

const REQUIREMENT_ID = /^(ftr-\d+\.\d+|was-[a-z]+-\d+)$/;

interface Selection {
  title: string;
  subtitle: string;
  results: CheckResult[];
}

/** What the query names: a check id, a requirement ID or a section, in that order. */
function select(report: ScanReport, query: string, checks: readonly Check[]): Selection | undefined {
  const q = query.trim().toLowerCase();
  const checkId = [...checks.map((c) => c.id), ...report.results.map((r) => r.checkId)].find((id) => id.toLowerCase() === q);
  if (checkId) {
    const check = checks.find((c) => c.id === checkId);
    const results = report.results.filter((r) => r.checkId === checkId);
    return {
      title: checkTitle(checks, checkId, results[0]?.refs ?? []),
      subtitle: `${codeSpan(checkId)}${check ? ` · ${SEVERITY_EMOJI[check.severity]} ${check.severity} · ${check.refs.join(', ')}` : ''}`,
      results,
    };
  }
  const requirement = requirements().all.find((r) => r.id.toLowerCase() === q);
  if (requirement) {
    return {
      title: `${requirement.id} · ${requirement.short}`,
      subtitle: `${requirement.section} ${escapeMrkdwn(requirement.sectionTitle)}`,
      results: report.results.filter((r) => r.refs.includes(requirement.id)),
    };
  }
  // An unknown requirement ID is unknown, not its section.
  const wanted = REQUIREMENT_ID.test(q) ? undefined : resolveSection(query);
  if (wanted) {
    return {
      title: `${wanted.id} · ${wanted.title}`,
      subtitle: `${plural(wanted.requirementIds.length, 'requirement')}: ${wanted.requirementIds.join(', ')}`,
      results: groupBySection(report.results).find((g) => g.id === wanted.id)?.results ?? [],
    };
  }
  return undefined;
}

/** The lines for one check: a headline, each non-passing resource, a summary of the rest, the fix. */
function checkLines(checkResults: readonly CheckResult[], checks: readonly Check[]): string[] {
  const first = checkResults[0];
  const counts = emptyCounts();
  for (const r of checkResults) counts[r.status] += 1;
  const title = `*${escapeMrkdwn(truncate(checkTitle(checks, first.checkId, first.refs), 150))}* · `;
  const lines = [`${title}${codeSpan(first.checkId)} · ${SEVERITY_EMOJI[first.severity]} ${first.severity} · ${first.refs.join(', ')} — ${countsLine(counts)}`];
  const detailed = checkResults.filter((r) => DETAILED.includes(r.status));
  for (const r of detailed.slice(0, DETAILED_PER_CHECK)) {
    const region = r.region === 'global' ? '' : ` (${escapeMrkdwn(r.region)})`;
    lines.push(`${STATUS_EMOJI[r.status]} ${resourceName(r.resource)}${region} — ${messageText(r.message)}`);
  }
  if (detailed.length > DETAILED_PER_CHECK) {
    lines.push(`… and ${plural(detailed.length - DETAILED_PER_CHECK, 'more resource')} (${countsLine({ ...counts, PASS: 0, NOT_APPLICABLE: 0 })} in all)`);
  }
  for (const status of SUMMARISED) {
    const resources = checkResults.filter((r) => r.status === status).map((r) => resourceName(r.resource));
    if (resources.length > 0) lines.push(`${STATUS_EMOJI[status]} ${statusCount(status, resources.length)}: ${listWithMore(resources, 3)}`);
  }
  const remediation = checkResults.find((r) => r.status === 'FAIL')?.remediation;
  if (remediation) lines.push(`:wrench: *Fix:* ${authoredMrkdwn(truncate(remediation, 600))}`);
  return lines;
}

function unknownQueryMessage(report: ScanReport, query: string, checks: readonly Check[]): SlackMessage {
  const candidates = [
    ...requirements().all.map((r) => r.id),
    ...requirements().sections.map((s) => s.id),
    ...checks.map((c) => c.id),
    ...report.results.map((r) => r.checkId),
  ];
  const closest = closestMatches(truncate(query, 100), candidates);
  const shown = codeSpan(truncate(query, 100));
  return {
    text: `Nothing matches ${escapeMrkdwn(truncate(query, 100))}`,
    blocks: [
      section(
        `:grey_question: No requirement, section or check is called ${shown}.${closest.length > 0 ? ` Closest: ${closest.map(codeSpan).join(', ')}.` : ''}\nTry a requirement ID (\`FTR-7.1\`), a section (\`FTR-7\`, \`WAS-IAM\`) or a check id.`,
      ),
    ],
  };
}

/**
 * Per-resource results for a requirement ID, a section or a check id, most severe check first and
 * failing resources first; long lists are summarised ("… and N more").
 */
export function checkResultsMessage(input: { report: ScanReport; query: string; now: Date; checks?: readonly Check[] }): SlackMessage {
  const checks = input.checks ?? catalog;
  const selection = select(input.report, input.query, checks);
  if (!selection) return unknownQueryMessage(input.report, input.query, checks);
  const gathered = new Date(input.report.generatedAt);
  const head: KnownBlock[] = [
    header(selection.title),
    context(`${selection.subtitle} · gathered ${slackDate(gathered)} (${formatAge(gathered, input.now)})`),
  ];
  if (selection.results.length === 0) {
    return {
      text: `${escapeMrkdwn(selection.title)}: no results`,
      blocks: [...head, section(`No results in this scan. \`/ftr explain <requirement>\` says how it is checked.`)],
    };
  }
  // groupBySection orders worst status first; keep that order within each check.
  const ordered = groupBySection(selection.results).flatMap((g) => g.results);
  const byCheck = new Map<string, CheckResult[]>();
  for (const r of ordered) {
    const list = byCheck.get(r.checkId);
    if (list) list.push(r);
    else byCheck.set(r.checkId, [r]);
  }
  const groups = [...byCheck.values()].sort(
    (a, b) =>
      severityRank(a[0].severity) - severityRank(b[0].severity) ||
      sectionRank(a[0].refs[0]) - sectionRank(b[0].refs[0]) ||
      a[0].checkId.localeCompare(b[0].checkId),
  );
  const body: KnownBlock[] = groups.slice(0, CHECKS_SHOWN).flatMap((g) => packSections(checkLines(g, checks)));
  if (groups.length > CHECKS_SHOWN) body.push(context(`… and ${plural(groups.length - CHECKS_SHOWN, 'more check')}.`));
  const counts = emptyCounts();
  for (const r of selection.results) counts[r.status] += 1;
  return withThread({ text: escapeMrkdwn(truncate(`${selection.title}: ${countsLine(counts)}`, 300)), head, body });
}
