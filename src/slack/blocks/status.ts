import type { Button, KnownBlock } from '@slack/types';
import { catalog } from '../../checks/catalog';
import { effectiveStatus, type DecidedResult } from '../../core/decisions';
import { automatedRequirements, requirementPosture, requirementStatuses, type RequirementPosture } from '../../core/posture';
import { requirements, sectionOf, type Section } from '../../core/requirements';
import type { Check, CheckResult, Severity, Status } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import type { Runbook } from '../runbooks';
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
import { LIMITS } from './limits';
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
    if (effectiveStatus(r) !== 'FAIL') continue;
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

/** The buttons of the failures a status lists; each answers the person who pressed, privately. */
export const STATUS_ACTIONS = {
  runbook: 'ftr_status_runbook',
  resources: 'ftr_status_resources',
} as const;

/** What a failure's button names: the failing check and the requirement it is listed for. */
export interface FailureRef {
  checkId: string;
  /** Absent for a check without requirement IDs. */
  requirementId?: string;
}

/** `iam_user_mfa|FTR-7.1`: check ids and requirement IDs never hold a `|`. */
export function failureValue(ref: FailureRef): string {
  return `${ref.checkId}|${ref.requirementId ?? ''}`;
}

export function parseFailureValue(value: string): FailureRef | undefined {
  const [checkId, requirementId, ...rest] = value.split('|');
  if (!checkId || rest.length > 0) return undefined;
  return requirementId ? { checkId, requirementId } : { checkId };
}

/**
 * The shipped runbook covering a requirement: the first that declares it among its refs. Only FTR
 * requirements count: the checklist refs runbooks declare are broad practices (WAS-IR-1, having
 * runbooks at all, is on every one), which would offer an incident runbook for any failure.
 */
export function runbookForRequirement(runbooks: readonly Runbook[], requirementId: string): Runbook | undefined {
  if (!requirementId.startsWith('FTR-')) return undefined;
  return runbooks.find((r) => r.refs.includes(requirementId));
}

/** Runbook when one covers a requirement of the failure, else Show resources; none when the value would not fit. */
function failureButton(failure: FailingCheck, runbooks: readonly Runbook[]): Button | undefined {
  const covered = failure.refs.find((ref) => runbookForRequirement(runbooks, ref) !== undefined);
  const value = failureValue({ checkId: failure.checkId, requirementId: covered ?? failure.refs[0] });
  if (value.length > LIMITS.buttonValue) return undefined;
  return covered
    ? button({ text: ':book: Runbook', actionId: STATUS_ACTIONS.runbook, value })
    : button({ text: 'Show resources', actionId: STATUS_ACTIONS.resources, value });
}

/** How the requirements of a scan (or a section) stand: met, and of those not met, what holds them up. */
interface RequirementCounts {
  met: number;
  total: number;
  /** FTR requirements failing or not evaluable: what stops the review passing. */
  blocking: number;
  /** Requirements waiting for a person's attestation (FTR or checklist). */
  attestation: number;
}

/** `posture` (met of total, as the posture counts them) for `ids`, with their blocking and attestation counts. */
function requirementCounts(posture: { met: number; total: number }, ids: readonly string[], statuses: Readonly<Record<string, Status>>): RequirementCounts {
  const counts: RequirementCounts = { met: posture.met, total: posture.total, blocking: 0, attestation: 0 };
  for (const id of ids) {
    const status = statuses[id];
    if (status === 'MANUAL') counts.attestation += 1;
    else if (id.startsWith('FTR-') && (status === 'FAIL' || status === 'ERROR')) counts.blocking += 1;
  }
  return counts;
}

/** "*41 of 62 requirements met* (6 blocking · 18 need attestation)"; the parenthesis left out when all are met. */
function requirementsHeadline(counts: RequirementCounts): string {
  const met = `*${counts.met} of ${plural(counts.total, 'requirement')} met*`;
  if (counts.met === counts.total) return met;
  const open = [`${counts.blocking} blocking`, counts.attestation > 0 ? statusCount('MANUAL', counts.attestation) : ''];
  return `${met} (${open.filter(Boolean).join(' · ')})`;
}

/**
 * The headline with the direction: "… · :arrow_up: 3 more than a week ago (38 on <date>)"; against
 * a scan less than a week older, "… since <date> (38 then)"; without one, the headline alone.
 */
function postureLine(report: ScanReport, counts: RequirementCounts, earlier: EarlierPosture | undefined): string {
  const headline = requirementsHeadline(counts);
  if (!earlier) return headline;
  const when = slackDate(earlier.generatedAt);
  if (earlier.met === counts.met) return `${headline} · no change since ${when}`;
  const change = countChange(counts.met, earlier.met);
  const aWeekOlder = new Date(report.generatedAt).getTime() - earlier.generatedAt.getTime() >= WEEK_MS;
  return aWeekOlder ? `${headline} · ${change} than a week ago (${earlier.met} on ${when})` : `${headline} · ${change} since ${when} (${earlier.met} then)`;
}

/** The results that are evidence for any requirement of the section (a check may serve two sections). */
function sectionResults(section: Section, results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.refs.some((ref) => sectionOf(ref) === section.id));
}

/** ":x: *FTR-7* Identity and Access Management — 5 of 8 requirements met · 12 failing resources". */
function sectionLine(section: Section, met: number, results: readonly CheckResult[]): string {
  const counts = emptyCounts();
  for (const r of results) counts[effectiveStatus(r)] += 1;
  const failedResources = new Set(results.filter((r) => effectiveStatus(r) === 'FAIL').map((r) => r.resource)).size;
  const parts = [
    `${met} of ${plural(section.requirementIds.length, 'requirement')} met`,
    results.length === 0 ? 'not evaluated by this scan' : '',
    failedResources > 0 ? plural(failedResources, 'failing resource') : '',
    counts.ERROR > 0 ? plural(counts.ERROR, 'error') : '',
  ];
  const emoji = results.length === 0 ? ':grey_question:' : STATUS_EMOJI[worstStatus(counts)];
  return `${emoji} *${section.id}* ${escapeMrkdwn(section.title)} — ${parts.filter(Boolean).join(' · ')}`;
}

function requirementLine(id: string, results: readonly CheckResult[]): string {
  const counts = emptyCounts();
  for (const r of results) if (r.refs.includes(id)) counts[effectiveStatus(r)] += 1;
  const short = escapeMrkdwn(requirements().byId.get(id)?.short ?? id);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total === 0
    ? `:grey_question: *${id}* ${short} — not evaluated by this scan`
    : `${STATUS_EMOJI[worstStatus(counts)]} *${id}* ${short} — ${countsLine(counts)}`;
}

/** The resources behind the requirements: failing checks and resources, errors, attestations, passes. */
function summaryLine(results: readonly DecidedResult[], failing: readonly FailingCheck[]): string {
  const counts = emptyCounts();
  for (const r of results) counts[effectiveStatus(r)] += 1;
  const failedResources = new Set(results.filter((r) => effectiveStatus(r) === 'FAIL').map((r) => r.resource)).size;
  const accepted = results.filter((r) => r.exception && effectiveStatus(r) !== r.status).length;
  const attested = results.filter((r) => r.attestation?.state === 'active').length;
  const parts = [
    failing.length > 0 ? `${STATUS_EMOJI.FAIL} *${plural(failing.length, 'check')} failing* on ${plural(failedResources, 'resource')}` : `${STATUS_EMOJI.PASS} *No failing checks*`,
    counts.ERROR > 0 ? `${STATUS_EMOJI.ERROR} ${counts.ERROR.toLocaleString('en-US')} could not be evaluated` : '',
    counts.MANUAL > 0 ? `${STATUS_EMOJI.MANUAL} ${statusCount('MANUAL', counts.MANUAL)}` : '',
    `${STATUS_EMOJI.PASS} ${counts.PASS.toLocaleString('en-US')} pass`,
    attested > 0 ? `${plural(attested, 'attested result')}` : '',
    accepted > 0 ? `${plural(accepted, 'accepted exception')}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The notification text: "3 checks failing, 2 errors, 1 needs attestation", zeros left out. */
function fallbackSummary(results: readonly CheckResult[], failing: readonly FailingCheck[]): string {
  const counts = emptyCounts();
  for (const r of results) counts[effectiveStatus(r)] += 1;
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
  return `${STATUS_EMOJI.ERROR} *Could not evaluate* ${listWithMore(ids.map(codeSpan), 5, 'checks')} — often missing permissions; \`/ftr check &lt;id&gt;\` shows why.`;
}

function failureBlocks(failing: readonly FailingCheck[], max: number, runbooks: readonly Runbook[]): KnownBlock[] {
  if (failing.length === 0) return [];
  const blocks: KnownBlock[] = [section(`*Top failures* (most severe first)`), ...failing.slice(0, max).map((f) => section(failureText(f), failureButton(f, runbooks)))];
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

interface StatusView {
  report: ScanReport;
  now: Date;
  accountId: string;
  canRescan: boolean;
  checks: readonly Check[];
  runbooks: readonly Runbook[];
  statuses: Readonly<Record<string, Status>>;
  posture: RequirementPosture;
}

function sectionStatus(input: StatusView & { section: Section }): SlackMessage {
  const { report, now, accountId, statuses } = input;
  const results = sectionResults(input.section, report.results);
  const failing = failingChecks(results, input.checks);
  const met = input.posture.sections.find((s) => s.id === input.section.id) ?? { met: 0, total: input.section.requirementIds.length };
  const counts = requirementCounts(met, input.section.requirementIds, statuses);
  const blocks: KnownBlock[] = [
    header(`${input.section.id} · ${input.section.title}`),
    context(provenanceLine(report, accountId, now)),
    section(`${requirementsHeadline(counts)}\n${summaryLine(results, failing)}`),
    ...packSections(input.section.requirementIds.map((id) => requirementLine(id, report.results))),
    divider(),
    ...failureBlocks(failing, SECTION_FAILURES, input.runbooks),
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
 * The posture of one account, in requirements first and resources second: how many requirements
 * are met (how many block the review, how many wait for attestation), then per FTR section; the
 * most important failures, each with its Runbook or Show resources button; how old the data is;
 * and a Re-scan button for those who may. With `section`, only that section, requirement by requirement.
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
  /** The shipped runbooks, for the failures' Runbook buttons; none: every failure offers Show resources. */
  runbooks?: readonly Runbook[];
}): SlackMessage {
  const checks = input.checks ?? catalog;
  const statuses = requirementStatuses(input.report.results);
  const set = requirements();
  const posture = requirementPosture(statuses, automatedRequirements(checks), set);
  const view: StatusView = { ...input, checks, runbooks: input.runbooks ?? [], statuses, posture };
  if (input.section !== undefined && input.section.trim() !== '') {
    const wanted = resolveSection(input.section);
    return wanted ? sectionStatus({ ...view, section: wanted }) : unknownSectionMessage(input.section);
  }
  const { report, now, accountId } = view;
  const failing = failingChecks(report.results, checks);
  const counts = requirementCounts(posture, set.all.map((r) => r.id), statuses);
  const lines = set.sections.map((s, i) => sectionLine(s, posture.sections[i].met, sectionResults(s, report.results)));
  const blocks: KnownBlock[] = [
    header(`FTR readiness · ${accountId}`),
    context(provenanceLine(report, accountId, now)),
    section(`${postureLine(report, counts, input.weekAgo)}\n${summaryLine(report.results, failing)}`),
    ...packSections(lines),
    divider(),
    ...failureBlocks(failing, TOP_FAILURES, view.runbooks),
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
    progress: true,
  };
}
