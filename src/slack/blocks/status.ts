import type { KnownBlock } from '@slack/types';
import { catalog } from '../../checks/catalog';
import { automatedRequirements, requirementPosture, requirementStatuses } from '../../core/posture';
import { requirements, type Section } from '../../core/requirements';
import type { Check, CheckResult, Severity } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { groupBySection, type SectionGroup } from '../../report/grouping';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import {
  checkTitle,
  closestMatches,
  countChange,
  countsLine,
  emptyCounts,
  formatAge,
  formatDuration,
  listWithMore,
  plural,
  resourceName,
  resolveSection,
  sectionRank,
  SEVERITY_EMOJI,
  severityRank,
  slackDate,
  statusCount,
  STATUS_EMOJI,
  worstStatus,
} from './format';
import { actions, button, context, divider, header, packSections, section } from './kit';
import type { ScanProgressView, SlackMessage } from './types';

/** How many failing checks the overview lists before "… and N more". */
const TOP_FAILURES = 10;
/** How many failing checks a single-section view lists. */
const SECTION_FAILURES = 25;
const RESOURCES_PER_FAILURE = 3;
const REGIONS_SHOWN = 4;
/** Data older than this is flagged as stale. */
const STALE_AFTER_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * 24 * 3600 * 1000;

export const RESCAN_ACTION_ID = 'ftr_rescan';

/** One check with at least one FAIL: what the status message lists as a failure. */
export interface FailingCheck {
  checkId: string;
  title: string;
  severity: Severity;
  refs: string[];
  resources: string[];
}

/** FAIL results folded per check, ordered by severity (critical first), then section, then check id. */
export function failingChecks(results: readonly CheckResult[], checks: readonly Check[] = catalog): FailingCheck[] {
  const byCheck = new Map<string, FailingCheck>();
  for (const r of results) {
    if (r.status !== 'FAIL') continue;
    let entry = byCheck.get(r.checkId);
    if (!entry) byCheck.set(r.checkId, (entry = { checkId: r.checkId, title: '', severity: r.severity, refs: [], resources: [] }));
    for (const ref of r.refs) if (!entry.refs.includes(ref)) entry.refs.push(ref);
    if (!entry.resources.includes(r.resource)) entry.resources.push(r.resource);
  }
  const failing = [...byCheck.values()].map((f) => ({ ...f, title: checkTitle(checks, f.checkId, f.refs) }));
  return failing.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      sectionRank(a.refs[0]) - sectionRank(b.refs[0]) ||
      a.checkId.localeCompare(b.checkId),
  );
}

/** ":red_circle: *Root user has no access keys* · FTR-3.2 · `iam_root_access_keys`" and its resources. */
function failureText(failure: FailingCheck): string {
  const severity = `${SEVERITY_EMOJI[failure.severity]} ${failure.severity[0].toUpperCase()}${failure.severity.slice(1)}`;
  const title = `*${escapeMrkdwn(truncate(failure.title, 150))}*`;
  const resources = listWithMore(failure.resources.map(resourceName), RESOURCES_PER_FAILURE);
  return `${severity} · ${title} · ${failure.refs.join(', ')} · ${codeSpan(failure.checkId)}\n${plural(failure.resources.length, 'resource')}: ${resources}`;
}

/** "Account `1234` · 3 regions: a, b and c · gathered … (12 minutes ago)". */
function provenanceLine(report: ScanReport, accountId: string, now: Date): string {
  const gathered = new Date(report.generatedAt);
  const age = now.getTime() - gathered.getTime();
  const regions = `${plural(report.regions.length, 'region')}: ${listWithMore(report.regions.map(escapeMrkdwn), REGIONS_SHOWN)}`;
  const stale = age > STALE_AFTER_MS ? ' · :hourglass: stale, consider a re-scan' : '';
  return `Account ${codeSpan(accountId)} · ${regions} · gathered ${slackDate(gathered)} (${formatAge(gathered, now)})${stale}`;
}

/** An earlier scan to show the direction against: how many requirements it met. */
export interface EarlierPosture {
  generatedAt: Date;
  met: number;
}

/**
 * "*41 of 62 requirements met* · :arrow_up: 3 more than a week ago (38 on <date>)"; against a scan
 * less than a week older, "… since <date> (38 then)"; without one, the count alone.
 */
function postureLine(report: ScanReport, checks: readonly Check[], earlier: EarlierPosture | undefined): string {
  const { met, total } = requirementPosture(requirementStatuses(report.results), automatedRequirements(checks));
  const count = `*${met} of ${total} requirements met*`;
  if (!earlier) return count;
  const when = slackDate(earlier.generatedAt);
  if (earlier.met === met) return `${count} · no change since ${when}`;
  const change = countChange(met, earlier.met);
  const aWeekOlder = new Date(report.generatedAt).getTime() - earlier.generatedAt.getTime() >= WEEK_MS;
  return aWeekOlder ? `${count} · ${change} than a week ago (${earlier.met} on ${when})` : `${count} · ${change} since ${when} (${earlier.met} then)`;
}

function sectionLine(group: SectionGroup): string {
  return `${STATUS_EMOJI[worstStatus(group.counts)]} *${group.id}* ${escapeMrkdwn(group.title)} — ${countsLine(group.counts)}`;
}

function requirementLine(id: string, results: readonly CheckResult[]): string {
  const counts = emptyCounts();
  for (const r of results) if (r.refs.includes(id)) counts[r.status] += 1;
  const short = escapeMrkdwn(requirements().byId.get(id)?.short ?? id);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total === 0
    ? `:grey_question: *${id}* ${short} — not evaluated by this scan`
    : `${STATUS_EMOJI[worstStatus(counts)]} *${id}* ${short} — ${countsLine(counts)}`;
}

function summaryLine(results: readonly CheckResult[], failing: readonly FailingCheck[]): string {
  const counts = emptyCounts();
  for (const r of results) counts[r.status] += 1;
  const failedResources = new Set(results.filter((r) => r.status === 'FAIL').map((r) => r.resource)).size;
  const parts = [
    failing.length > 0 ? `${STATUS_EMOJI.FAIL} *${plural(failing.length, 'check')} failing* on ${plural(failedResources, 'resource')}` : `${STATUS_EMOJI.PASS} *No failing checks*`,
    counts.ERROR > 0 ? `${STATUS_EMOJI.ERROR} ${counts.ERROR.toLocaleString('en-US')} could not be evaluated` : '',
    counts.MANUAL > 0 ? `${STATUS_EMOJI.MANUAL} ${statusCount('MANUAL', counts.MANUAL)}` : '',
    `${STATUS_EMOJI.PASS} ${counts.PASS.toLocaleString('en-US')} pass`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The notification text: "3 checks failing, 2 errors, 1 needs attestation", zeros left out. */
function fallbackSummary(results: readonly CheckResult[], failing: readonly FailingCheck[]): string {
  const counts = emptyCounts();
  for (const r of results) counts[r.status] += 1;
  const parts = [
    failing.length > 0 ? `${plural(failing.length, 'check')} failing` : 'no failing checks',
    counts.ERROR > 0 ? plural(counts.ERROR, 'error') : '',
    counts.MANUAL > 0 ? statusCount('MANUAL', counts.MANUAL) : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** "Could not evaluate: `a` (eu-west-1), …": errors are never hidden, since they are not passes. */
function errorsLine(results: readonly CheckResult[]): string | undefined {
  const ids = [...new Set(results.filter((r) => r.status === 'ERROR').map((r) => r.checkId))].sort();
  if (ids.length === 0) return undefined;
  return `${STATUS_EMOJI.ERROR} *Could not evaluate* ${listWithMore(ids.map(codeSpan), 5, 'checks')} — often missing permissions; \`/ftr check <id>\` shows why.`;
}

function failureBlocks(failing: readonly FailingCheck[], max: number): KnownBlock[] {
  if (failing.length === 0) return [];
  const blocks: KnownBlock[] = [section(`*Top failures* (most severe first)`), ...failing.slice(0, max).map((f) => section(failureText(f)))];
  if (failing.length > max) {
    blocks.push(context(`… and ${plural(failing.length - max, 'more failing check')}. \`/ftr check <requirement, section or check id>\` lists every resource.`));
  }
  return blocks;
}

function unknownSectionMessage(query: string): SlackMessage {
  const ids = requirements().sections.map((s) => s.id);
  const closest = closestMatches(query, ids);
  return {
    text: `Unknown section ${escapeMrkdwn(truncate(query, 100))}`,
    blocks: [
      section(
        `:grey_question: There is no section ${codeSpan(truncate(query, 100))}.${closest.length > 0 ? ` Did you mean ${closest.join(', ')}?` : ''}\nSections: ${ids.join(', ')}.`,
      ),
    ],
  };
}

function rescanActions(canRescan: boolean, accountId: string): KnownBlock[] {
  return canRescan ? [actions([button({ text: ':arrows_counterclockwise: Re-scan', actionId: RESCAN_ACTION_ID, value: accountId, style: 'primary' })])] : [];
}

function sectionStatus(input: { report: ScanReport; section: Section; now: Date; accountId: string; canRescan: boolean; checks: readonly Check[] }): SlackMessage {
  const { report, now, accountId } = input;
  const group = groupBySection(report.results).find((g) => g.id === input.section.id);
  const results = group?.results ?? [];
  const failing = failingChecks(results, input.checks);
  const blocks: KnownBlock[] = [
    header(`${input.section.id} · ${input.section.title}`),
    context(provenanceLine(report, accountId, now)),
    section(summaryLine(results, failing)),
    ...packSections(input.section.requirementIds.map((id) => requirementLine(id, report.results))),
    divider(),
    ...failureBlocks(failing, SECTION_FAILURES),
  ];
  const errors = errorsLine(results);
  if (errors) blocks.push(section(errors));
  blocks.push(...rescanActions(input.canRescan, accountId));
  return {
    text: `${input.section.id} ${escapeMrkdwn(input.section.title)} for ${escapeMrkdwn(accountId)}: ${fallbackSummary(results, failing)} (gathered ${formatAge(new Date(report.generatedAt), now)})`,
    blocks,
  };
}

/**
 * The posture of one account: per FTR section, the most important failures with their
 * requirement IDs and resources, how old the data is, and a Re-scan button for those who may.
 * With `section`, only that section, requirement by requirement.
 */
export function statusMessage(input: {
  report: ScanReport;
  section?: string;
  now: Date;
  accountId: string;
  canRescan: boolean;
  /** Where check titles come from; the catalog by default. */
  checks?: readonly Check[];
  /** The scan about a week before the report, for the overview's direction; none: the count alone. */
  weekAgo?: EarlierPosture;
}): SlackMessage {
  const checks = input.checks ?? catalog;
  if (input.section !== undefined && input.section.trim() !== '') {
    const wanted = resolveSection(input.section);
    return wanted ? sectionStatus({ ...input, section: wanted, checks }) : unknownSectionMessage(input.section);
  }
  const { report, now, accountId } = input;
  const failing = failingChecks(report.results, checks);
  const blocks: KnownBlock[] = [
    header(`FTR readiness · ${accountId}`),
    context(provenanceLine(report, accountId, now)),
    context(postureLine(report, checks, input.weekAgo)),
    section(summaryLine(report.results, failing)),
    ...packSections(groupBySection(report.results).map(sectionLine)),
    divider(),
    ...failureBlocks(failing, TOP_FAILURES),
  ];
  const errors = errorsLine(report.results);
  if (errors) blocks.push(section(errors));
  blocks.push(...rescanActions(input.canRescan, accountId));
  return { text: `FTR readiness for ${escapeMrkdwn(accountId)}: ${fallbackSummary(report.results, failing)} (gathered ${formatAge(new Date(report.generatedAt), now)})`, blocks };
}

const PROGRESS_BAR_WIDTH = 20;

/** "▓▓▓▓▓░░░░░ 50%". */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * PROGRESS_BAR_WIDTH);
  return `${'▓'.repeat(filled)}${'░'.repeat(PROGRESS_BAR_WIDTH - filled)} ${Math.floor(ratio * 100)}%`;
}

export function progressLine(progress: ScanProgressView, now: Date): string {
  const elapsed = now.getTime() - progress.startedAt.getTime();
  const left =
    progress.done > 0 && progress.done < progress.total ? ` · ${formatDuration((elapsed / progress.done) * (progress.total - progress.done))} left` : '';
  return `\`${progressBar(progress.done, progress.total)}\`\nStarted ${formatAge(progress.startedAt, now)}${left}`;
}

/** "Scanning 123456789012: 40/180 checks" with a text progress bar and an estimate of what is left. */
export function scanProgressMessage(input: { progress: ScanProgressView; accountId: string; now: Date }): SlackMessage {
  const { progress, accountId } = input;
  const headline = `Scanning ${escapeMrkdwn(accountId)}: ${progress.done}/${progress.total} checks`;
  return {
    text: headline,
    blocks: [section(`:hourglass_flowing_sand: *Scanning ${codeSpan(accountId)}*: ${progress.done}/${progress.total} checks`), context(progressLine(progress, input.now))],
  };
}
