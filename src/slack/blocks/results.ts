import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import { catalog } from '../../checks/catalog';
import { effectiveStatus, type DecidedResult, type ResultException } from '../../core/decisions';
import { requirements, sectionOf } from '../../core/requirements';
import type { Check, CheckResult, Status } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { authoredMrkdwn, clipMrkdwn, codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import {
  checkTitle,
  closestMatches,
  countsLine,
  emptyCounts,
  formatAge,
  messageText,
  plural,
  resolveSection,
  resourceName,
  sectionRank,
  SEVERITY_EMOJI,
  severityRank,
  slackDate,
  STATUS_EMOJI,
} from './format';
import { actions, button, context, header, packSections, section } from './kit';
import { LIMITS } from './limits';
import type { SlackMessage } from './types';

/** Results listed per page of `/ftr check`. */
export const CHECK_PAGE_SIZE = 20;

/** The buttons of a `/ftr check` page; each carries a `CheckPageRef` (see `checkPageValue`). */
export const CHECK_PAGE_ACTIONS = {
  previous: 'ftr_check_previous',
  next: 'ftr_check_next',
  csv: 'ftr_check_csv',
} as const;

/** The button on a failing resource that opens the exception modal; its value is a `FindingRef`. */
export const ACCEPT_FINDING_ACTION_ID = 'ftr_accept_finding';

/** Longer than any requirement ID, section or check id: never looked up (and keeps button values short). */
const QUERY_MAX = 200;

/*
 * Line budgets after escaping. With at most three lines per result (check headline, resource,
 * fix) a page of CHECK_PAGE_SIZE results packs into fewer sections than a message may hold.
 */
const HEADLINE_MAX = 500;
const RESOURCE_LINE_MAX = 900;
const FIX_MAX = 900;

/** Statuses that need someone to act: listed before the passing and not applicable ones. */
const PROBLEMS: readonly Status[] = ['FAIL', 'ERROR', 'MANUAL'];
const STATUS_ORDER: Record<Status, number> = { ERROR: 0, FAIL: 1, MANUAL: 2, NOT_APPLICABLE: 3, PASS: 4 };

const REQUIREMENT_ID = /^(ftr-\d+\.\d+|was-[a-z]+-\d+)$/;

/** What `/ftr check` was asked about, by its canonical id. */
export interface CheckQuery {
  kind: 'check' | 'requirement' | 'section';
  id: string;
}

/**
 * What a query names, without reading any report: a check id, a requirement ID or a section
 * (`FTR-7`, `ftr 7`, `iam`), in that order, case-insensitively.
 */
export function resolveCheckQuery(query: string, checks: readonly Check[]): CheckQuery | undefined {
  const q = query.trim().toLowerCase();
  if (!q || q.length > QUERY_MAX) return undefined;
  const check = checks.find((c) => c.id.toLowerCase() === q);
  if (check) return { kind: 'check', id: check.id };
  const requirement = requirements().all.find((r) => r.id.toLowerCase() === q);
  if (requirement) return { kind: 'requirement', id: requirement.id };
  // An unknown requirement ID is unknown, not its section.
  const wanted = REQUIREMENT_ID.test(q) ? undefined : resolveSection(query);
  return wanted ? { kind: 'section', id: wanted.id } : undefined;
}

/** The private answer to a query that names nothing: the closest requirement IDs, sections and check ids. */
export function unknownCheckQueryMessage(query: string, checks: readonly Check[]): SlackMessage {
  const candidates = [...requirements().all.map((r) => r.id), ...requirements().sections.map((s) => s.id), ...checks.map((c) => c.id)];
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

/** What a page's buttons carry: the query's canonical id, the page (from 1) and the report it showed. */
export interface CheckPageRef {
  query: string;
  page: number;
  generatedAt: string;
}

/** `query|page|generatedAt`; short, as queries are bounded. */
export function checkPageValue(ref: CheckPageRef): string {
  return `${ref.query}|${ref.page}|${ref.generatedAt}`;
}

/** The reference a button carried, read from the right (a query could hold `|`); undefined when malformed. */
export function parseCheckPageRef(value: string): CheckPageRef | undefined {
  const parts = value.split('|');
  if (parts.length < 3) return undefined;
  const generatedAt = parts.pop()!;
  const page = Number(parts.pop());
  const query = parts.join('|');
  return query ? { query, page: Number.isFinite(page) ? page : 1, generatedAt } : undefined;
}

/**
 * One finding of a report, as an Accept… button or the exception modal carries it: its account,
 * check and resource, or, when the resource is too long to carry, its place in the report of
 * `generatedAt`. Untrusted when it comes back: `findFinding` looks it up again.
 */
export type FindingRef = { accountId: string; checkId: string } & ({ resource: string } | { generatedAt: string; index: number });

/** The compact JSON of a reference. */
export function findingRefValue(ref: FindingRef): string {
  const { accountId: a, checkId: c } = ref;
  return JSON.stringify('resource' in ref ? { a, c, r: ref.resource } : { a, c, g: ref.generatedAt, i: ref.index });
}

/** The reference a value carried; undefined when it is not one. */
export function parseFindingRef(value: string): FindingRef | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const { a, c, r, g, i } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof a !== 'string' || typeof c !== 'string' || !a || !c) return undefined;
  if (typeof r === 'string' && r) return { accountId: a, checkId: c, resource: r };
  if (typeof g === 'string' && typeof i === 'number' && Number.isInteger(i) && i >= 0) return { accountId: a, checkId: c, generatedAt: g, index: i };
  return undefined;
}

/** A value naming `result` of `report` in at most `max` characters; undefined when not even its place fits. */
export function findingRefFor(report: ScanReport, result: CheckResult, max: number): string | undefined {
  const byName = findingRefValue({ accountId: result.accountId, checkId: result.checkId, resource: result.resource });
  if (byName.length <= max) return byName;
  const byPlace = findingRefValue({ accountId: result.accountId, checkId: result.checkId, generatedAt: report.generatedAt, index: report.results.indexOf(result) });
  return byPlace.length <= max ? byPlace : undefined;
}

/** The result a reference names in `report`; undefined when the report no longer holds it (or the reference was forged). */
export function findFinding(report: ScanReport, ref: FindingRef): DecidedResult | undefined {
  if ('resource' in ref) return report.results.find((r) => r.accountId === ref.accountId && r.checkId === ref.checkId && r.resource === ref.resource);
  if (report.generatedAt !== ref.generatedAt) return undefined;
  const result = report.results[ref.index];
  return result?.accountId === ref.accountId && result.checkId === ref.checkId ? result : undefined;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A Slack user as a mention when it is a user ID, else as code (recorded ids are validated, but reports can be edited). */
export function userMention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : codeSpan(truncate(userId, 40));
}

/** The exception that accepts a failing result, under its resource line. */
export function exceptionNote(exception: ResultException): string {
  return `:ballot_box_with_check: Accepted until ${exception.expiresAt.slice(0, 10)} by ${userMention(exception.recordedBy)}, owner ${userMention(exception.owner)}: ${messageText(exception.reason, 300)}`;
}

function resultsOf(report: ScanReport, query: CheckQuery): CheckResult[] {
  switch (query.kind) {
    case 'check':
      return report.results.filter((r) => r.checkId === query.id);
    case 'requirement':
      return report.results.filter((r) => r.refs.includes(query.id));
    case 'section':
      // A result belongs to the section of its first requirement, as in every per-section count.
      return report.results.filter((r) => r.refs[0] !== undefined && sectionOf(r.refs[0]) === query.id);
  }
}

/**
 * Every result for the query, in the order pages list them: results that need action first,
 * then the others; within each, the most severe check first (then by section and id) and the
 * worst status first within a check.
 */
export function checkQueryResults(report: ScanReport, query: CheckQuery): CheckResult[] {
  const results = resultsOf(report, query);
  const checkKey = new Map<string, { severity: number; section: number }>();
  for (const r of results) {
    const key = checkKey.get(r.checkId);
    const severity = severityRank(r.severity);
    const sectionIndex = sectionRank(r.refs[0] ?? '');
    if (!key) checkKey.set(r.checkId, { severity, section: sectionIndex });
    else checkKey.set(r.checkId, { severity: Math.min(key.severity, severity), section: Math.min(key.section, sectionIndex) });
  }
  const checkIds = [...checkKey.keys()].sort((a, b) => {
    const ka = checkKey.get(a)!;
    const kb = checkKey.get(b)!;
    return ka.severity - kb.severity || ka.section - kb.section || a.localeCompare(b);
  });
  const checkRank = new Map(checkIds.map((id, i) => [id, i]));
  // A failure accepted by an exception needs no action: it is listed with what passes.
  const tier = (r: DecidedResult) => (PROBLEMS.includes(effectiveStatus(r)) ? 0 : 1);
  return [...results].sort(
    (a, b) =>
      tier(a) - tier(b) ||
      checkRank.get(a.checkId)! - checkRank.get(b.checkId)! ||
      STATUS_ORDER[effectiveStatus(a)] - STATUS_ORDER[effectiveStatus(b)] ||
      a.region.localeCompare(b.region) ||
      a.resource.localeCompare(b.resource),
  );
}

function titleOf(query: CheckQuery, checks: readonly Check[]): { title: string; subtitle: string } {
  if (query.kind === 'check') {
    const check = checks.find((c) => c.id === query.id)!;
    return { title: check.title, subtitle: `${codeSpan(check.id)} · ${SEVERITY_EMOJI[check.severity]} ${check.severity} · ${check.refs.join(', ')}` };
  }
  if (query.kind === 'requirement') {
    const requirement = requirements().byId.get(query.id)!;
    return { title: `${requirement.id} · ${requirement.short}`, subtitle: `${requirement.section} ${escapeMrkdwn(requirement.sectionTitle)}` };
  }
  const wanted = requirements().sections.find((s) => s.id === query.id)!;
  return { title: `${wanted.id} · ${wanted.title}`, subtitle: `${plural(wanted.requirementIds.length, 'requirement')}: ${wanted.requirementIds.join(', ')}` };
}

/** Counts as the posture counts them: an accepted failure as met. */
function countStatuses(results: readonly DecidedResult[]): Record<Status, number> {
  const counts = emptyCounts();
  for (const r of results) counts[effectiveStatus(r)] += 1;
  return counts;
}

/** "2 fail · 3 pass (1 accepted)". */
function countsWithAccepted(results: readonly DecidedResult[]): string {
  const accepted = results.filter((r) => r.exception && r.status === 'FAIL').length;
  return `${countsLine(countStatuses(results))}${accepted > 0 ? ` (${accepted.toLocaleString('en-US')} accepted)` : ''}`;
}

/** Consecutive results of one check, for one headline each. */
function runsByCheck<R extends CheckResult>(results: readonly R[]): R[][] {
  const runs: R[][] = [];
  for (const r of results) {
    const last = runs[runs.length - 1];
    if (last && last[0].checkId === r.checkId) last.push(r);
    else runs.push([r]);
  }
  return runs;
}

/** A line of a page; a failing resource's line may carry its Accept… button. */
interface PageLine {
  text: string;
  accept?: Button;
}

/** Only links that cannot break out of Slack's `<url|label>` syntax are shown as links. */
const SAFE_LINK = /^https?:\/\/[^\s<>|]+$/;

/**
 * A page's lines: per check, a headline with the check's counts over every page, its resources
 * (with the exception that accepts one, and an Accept… button on failures when `accept` is
 * given the report) and the fix.
 */
function pageLines(shown: readonly DecidedResult[], all: readonly DecidedResult[], checks: readonly Check[], accept?: ScanReport): PageLine[] {
  const lines: PageLine[] = [];
  for (const run of runsByCheck(shown)) {
    const first = run[0];
    const counts = countsWithAccepted(all.filter((r) => r.checkId === first.checkId));
    const title = escapeMrkdwn(truncate(checkTitle(checks, first.checkId, first.refs), 150));
    const refs = escapeMrkdwn(truncate(first.refs.join(', '), 200));
    lines.push({
      text: clipMrkdwn(`*${title}* · ${codeSpan(truncate(first.checkId, 100))} · ${SEVERITY_EMOJI[first.severity]} ${first.severity} · ${refs} — ${counts}`, HEADLINE_MAX),
    });
    for (const r of run) {
      const region = r.region === 'global' ? '' : ` (${escapeMrkdwn(truncate(r.region, 40))})`;
      // An expired attestation fails too, but only recording it again helps.
      const value = accept && r.status === 'FAIL' && !r.exception && !r.attestation ? findingRefFor(accept, r, LIMITS.buttonValue) : undefined;
      lines.push({
        text: clipMrkdwn(`${STATUS_EMOJI[r.status]} ${resourceName(r.resource)}${region} — ${messageText(r.message)}`, RESOURCE_LINE_MAX),
        ...(value ? { accept: button({ text: 'Accept…', actionId: ACCEPT_FINDING_ACTION_ID, value }) } : {}),
      });
      if (r.exception) lines.push({ text: clipMrkdwn(exceptionNote(r.exception), RESOURCE_LINE_MAX) });
      if (r.attestation?.state === 'active' && r.attestation.link && SAFE_LINK.test(r.attestation.link)) {
        lines.push({ text: `:link: <${r.attestation.link}|Evidence of the attestation>` });
      }
    }
    const remediation = run.find((r) => effectiveStatus(r) === 'FAIL' && r.remediation)?.remediation;
    if (remediation) lines.push({ text: clipMrkdwn(`:wrench: *Fix:* ${authoredMrkdwn(truncate(remediation, 600))}`, FIX_MAX) });
  }
  return lines;
}

/** Lines packed into as few sections as fit, each line with a button in a section of its own. */
function pageSections(lines: readonly PageLine[]): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  let pending: string[] = [];
  for (const line of lines) {
    if (!line.accept) {
      pending.push(line.text);
      continue;
    }
    blocks.push(...packSections(pending), section(line.text, line.accept));
    pending = [];
  }
  return [...blocks, ...packSections(pending)];
}

function pageButtons(query: string, page: number, pages: number, generatedAt: string): Button[] {
  const value = (p: number) => checkPageValue({ query, page: p, generatedAt });
  return [
    ...(page > 1 ? [button({ text: '← Previous', actionId: CHECK_PAGE_ACTIONS.previous, value: value(page - 1) })] : []),
    ...(page < pages ? [button({ text: 'Next →', actionId: CHECK_PAGE_ACTIONS.next, value: value(page + 1) })] : []),
    button({ text: ':page_facing_up: Download CSV', actionId: CHECK_PAGE_ACTIONS.csv, value: value(page) }),
  ];
}

/**
 * One page of per-resource results for a requirement ID, a section or a check id (see
 * `checkQueryResults` for the order), with Previous / Next and Download CSV buttons. `page`
 * counts from 1 and is clamped to the pages there are. `shownGeneratedAt`, the report the
 * pressed page showed, makes the page say when a newer scan replaced it.
 */
export function checkResultsMessage(input: {
  report: ScanReport;
  query: string;
  now: Date;
  checks?: readonly Check[];
  page?: number;
  shownGeneratedAt?: string;
  /** Offer an Accept… button on each failing resource: for people who may record exceptions. */
  acceptFindings?: boolean;
}): SlackMessage {
  const { report } = input;
  const checks = input.checks ?? catalog;
  const query = resolveCheckQuery(input.query, checks);
  if (!query) return unknownCheckQueryMessage(input.query, checks);
  const { title, subtitle } = titleOf(query, checks);
  const gathered = new Date(report.generatedAt);
  const head: KnownBlock[] = [header(title), context(`${subtitle} · gathered ${slackDate(gathered)} (${formatAge(gathered, input.now)})`)];
  if (input.shownGeneratedAt !== undefined && input.shownGeneratedAt !== report.generatedAt) {
    head.push(section(':arrows_counterclockwise: A newer scan finished since this page was shown: these are its results.'));
  }
  const results = checkQueryResults(report, query);
  if (results.length === 0) {
    return {
      text: `${escapeMrkdwn(truncate(title, 200))}: no results`,
      blocks: [...head, section(`No results in this scan. \`/ftr explain <requirement>\` says how it is checked.`)],
    };
  }
  const pages = Math.ceil(results.length / CHECK_PAGE_SIZE);
  const requested = Number.isFinite(input.page) ? Math.trunc(input.page!) : 1;
  const page = Math.min(Math.max(1, requested), pages);
  const from = (page - 1) * CHECK_PAGE_SIZE;
  const shown = results.slice(from, from + CHECK_PAGE_SIZE);
  const counts = countsWithAccepted(results);
  head.push(section(`*${counts}* · results ${(from + 1).toLocaleString('en-US')}–${(from + shown.length).toLocaleString('en-US')} of ${results.length.toLocaleString('en-US')}, those needing action first`));
  const tail = [context(`Page ${page.toLocaleString('en-US')} of ${pages.toLocaleString('en-US')}`), actions(pageButtons(query.id, page, pages, report.generatedAt))];
  // A block stays free for the Share button of a private answer.
  const room = LIMITS.messageBlocks - head.length - tail.length - 1;
  let body: KnownBlock[] = pageSections(pageLines(shown, results, checks, input.acceptFindings ? report : undefined));
  if (body.length > room) {
    body = [...pageSections(pageLines(shown, results, checks)), context('Accept a failing resource with `/ftr except <check id> <resource>`.')];
  }
  return {
    text: escapeMrkdwn(truncate(`${title}: ${counts} (page ${page} of ${pages})`, 300)),
    blocks: [...head, ...body, ...tail],
  };
}
