import { stringify } from 'csv-stringify/sync';
import { decisionState, effectiveStatus, type Attestation, type DecidedResult, type Decisions, type ResourceException, type ResultAttestation } from '../core/decisions';
import type { Requirement, RequirementSet } from '../core/requirements';
import { statusCounts, type Check, type RequirementId, type Status } from '../core/types';
import type { ScanReport } from '../engine/scan';
import { csvCell, printable } from './format';

/** The files of an evidence pack, as the CLI writes them and Slack uploads them. */
export const EVIDENCE_FILES = { markdown: 'evidence.md', pdf: 'evidence.pdf', csv: 'results.csv' } as const;

/** Resources listed per requirement in the Markdown and the PDF; the CSV has every result. */
export const LISTED_RESULTS = 25;

export interface EvidenceInput {
  /** The last scan, with `decisions` already applied at `now` (see decide() in store/decisionLog). */
  report: ScanReport;
  decisions: Decisions;
  requirements: RequirementSet;
  checks: readonly Check[];
  now: Date;
  accountId: string;
}

/** `met`: every result passes or does not apply; `not met`: a resource fails; `open`: a person must act. */
export type Verdict = 'met' | 'not met' | 'open';

export interface EvidenceSummary {
  accountId: string;
  scannedAt: string;
  regions: readonly string[];
  builtAt: string;
  met: number;
  total: number;
  ftrMet: number;
  ftrTotal: number;
  wasMet: number;
  wasTotal: number;
  notMet: number;
  open: number;
  /** The lines under "still open", over all requirements. */
  openItems: number;
  attestations: Record<AttestationEvidence['state'], number>;
  /** Failing results an exception accepts. */
  excepted: number;
  /** The account's results by their reported status. */
  results: Record<Status, number>;
}

export interface EvidencePack {
  markdown: string;
  pdf: Buffer;
  csv: string;
  /** per FTR requirement id, its verdict */
  verdicts: Record<string, Verdict>;
  summary: EvidenceSummary;
}

/** One result shown as evidence, with the exception that lapsed on its resource, if any. */
export interface EvidenceLine {
  result: DecidedResult;
  lapsedException?: ResourceException;
}

/** A person's recorded evidence for one requirement, as the pack shows it. */
export type AttestationEvidence = Omit<Attestation, 'accountId' | 'requirementId'> & { state: ResultAttestation['state'] };

export interface RequirementEvidence {
  requirement: Requirement;
  verdict: Verdict;
  /** Results of automated checks, worst first. */
  automated: EvidenceLine[];
  /** Whether a person's evidence decides it (an attestation check, or a result that needs a person). */
  attestable: boolean;
  attestation?: AttestationEvidence;
  /** What a person records, in the words of the attestation check. */
  attestationAsks?: string;
  open: string[];
}

export interface EvidencePart {
  title: string;
  sections: Array<{ id: string; title: string; requirements: RequirementEvidence[] }>;
}

export interface EvidenceModel {
  summary: EvidenceSummary;
  /** The FTR questionnaire, then the Well-Architected Security checklist. */
  parts: EvidencePart[];
}

/** Worst first, with accepted failures before the plain passes so that a capped list shows them. */
const RANK: Record<Status, number> = { FAIL: 0, ERROR: 1, MANUAL: 2, PASS: 4, NOT_APPLICABLE: 5 };
const rank = (r: DecidedResult): number => (r.exception && r.status === 'FAIL' ? 3 : RANK[r.status]);

/** The `YYYY-MM-DD` of an ISO-8601 instant. */
export const dayOf = (iso: string): string => iso.slice(0, 10);
/** "2026-11-01 09:00 UTC" of an ISO-8601 instant. */
export const utcMinute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The requirement's attestation: the recorded one, else what the report's result carries. */
function attestationFor(id: RequirementId, recorded: readonly Attestation[], results: readonly DecidedResult[], now: Date): AttestationEvidence | undefined {
  const latest = recorded.filter((a) => a.requirementId === id).sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))[0];
  if (latest) {
    const { evidence, link, owner, recordedBy, recordedAt, expiresAt, revokedBy, revokedAt } = latest;
    return { evidence, link, owner, recordedBy, recordedAt, expiresAt, state: decisionState(latest, now), revokedBy, revokedAt };
  }
  const carried = results.find((r) => r.attestation)?.attestation;
  if (!carried) return undefined;
  const { evidence, link, owner, recordedBy, recordedAt, expiresAt, state } = carried;
  return { evidence, link, owner, recordedBy, recordedAt, expiresAt, state };
}

function verdictOf(results: readonly DecidedResult[]): Verdict {
  const statuses = new Set(results.map(effectiveStatus));
  if (statuses.has('FAIL')) return 'not met';
  if (results.length === 0 || statuses.has('ERROR') || statuses.has('MANUAL')) return 'open';
  return 'met';
}

/** Items under each of their keys, in their order. */
function groupBy<T>(items: readonly T[], keys: (item: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keys(item)) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What a person still has to do for one requirement, one line per check. */
function openItems(requirement: Requirement, results: readonly DecidedResult[], attestation: AttestationEvidence | undefined, checks: ReadonlyMap<string, Check>, asks: string | undefined): string[] {
  const id = requirement.id;
  if (results.length === 0) {
    const deciding = [...checks.values()].filter((c) => c.refs.includes(id)).map((c) => c.id);
    return [deciding.length > 0 ? `Nothing in the last scan evaluated it (checks: ${deciding.join(', ')}): scan again, or show the evidence.` : 'No check evaluates it: show the evidence.'];
  }
  const items: string[] = [];
  for (const [checkId, rs] of groupBy(results, (r) => [r.checkId])) {
    const failing = rs.filter((r) => effectiveStatus(r) === 'FAIL');
    const expired = failing.find((r) => r.attestation?.state === 'expired');
    if (expired) {
      items.push(`The attestation expired on ${dayOf(expired.attestation!.expiresAt)}: record it again (/ftr attest ${id}).`);
    } else if (failing.length > 0) {
      const fix = failing[0].remediation ?? checks.get(checkId)?.remediation;
      items.push(`${count(failing.length, 'resource')} ${failing.length === 1 ? 'fails' : 'fail'} ${checkId}${fix ? `: ${fix}` : '.'}`);
    }
    const errors = rs.filter((x) => x.status === 'ERROR');
    if (errors.length > 0) items.push(`${checkId} could not evaluate (${[...new Set(errors.map((r) => r.region))].join(', ')}): ${errors[0].message}`);
    const manual = rs.find((r) => r.status === 'MANUAL');
    if (manual) {
      const before = attestation?.state === 'revoked' ? `The attestation was revoked on ${dayOf(attestation.revokedAt ?? '')}${attestation.revokedBy ? ` by ${attestation.revokedBy}` : ''}. ` : '';
      const check = checks.get(checkId);
      const what = check?.kind === 'attestation' ? check.evidence : (asks ?? manual.message.replace(/\.$/, ''));
      items.push(`${before}Needs a person's evidence${what ? `: ${what}` : ''}, with an owner and an expiry (/ftr attest ${id}).`);
    }
  }
  return items;
}

/** Every FTR requirement, then every Well-Architected Security one, with its verdict and evidence for the account. */
export function evidenceModel(input: EvidenceInput): EvidenceModel {
  const { report, decisions, requirements, now, accountId } = input;
  const checks = new Map(input.checks.map((c) => [c.id, c]));
  const results = report.results.filter((r) => r.accountId === accountId);
  const attestations = decisions.attestations.filter((a) => a.accountId === accountId);
  const exceptions = new Map(decisions.exceptions.filter((e) => e.accountId === accountId).map((e) => [`${e.checkId}#${e.resource}`, e]));
  const byRequirement = groupBy(results, (r) => r.refs);

  // A failure with a recorded exception that was not applied: the exception expired or was revoked.
  const lineOf = (result: DecidedResult): EvidenceLine => {
    const lapsed = effectiveStatus(result) === 'FAIL' ? exceptions.get(`${result.checkId}#${result.resource}`) : undefined;
    return { result, ...(lapsed ? { lapsedException: lapsed } : {}) };
  };

  const evidenceOf = (requirement: Requirement): RequirementEvidence => {
    const rs = [...(byRequirement.get(requirement.id) ?? [])].sort(
      (a, b) => rank(a) - rank(b) || a.checkId.localeCompare(b.checkId) || a.region.localeCompare(b.region) || a.resource.localeCompare(b.resource),
    );
    const attestationChecks = [...checks.values()].filter((c) => c.kind === 'attestation' && c.refs.includes(requirement.id));
    const isPersonal = (r: DecidedResult) => checks.get(r.checkId)?.kind === 'attestation' || r.attestation !== undefined;
    const attestation = attestationFor(requirement.id, attestations, rs, now);
    const attestable = attestationChecks.length > 0 || attestation !== undefined || rs.some((r) => r.status === 'MANUAL' || r.attestation);
    const asks = attestationChecks[0]?.evidence;
    return {
      requirement,
      verdict: verdictOf(rs),
      automated: rs.filter((r) => !isPersonal(r)).map(lineOf),
      attestable,
      ...(attestation ? { attestation } : {}),
      ...(asks ? { attestationAsks: asks } : {}),
      open: openItems(requirement, rs, attestation, checks, asks),
    };
  };

  const partOf = (title: string, prefix: string): EvidencePart => ({
    title,
    sections: requirements.sections
      .filter((s) => s.id.startsWith(prefix))
      .map((s) => ({ id: s.id, title: s.title, requirements: s.requirementIds.map((id) => evidenceOf(requirements.byId.get(id)!)) })),
  });
  const parts = [partOf('FTR questionnaire', 'FTR-'), partOf('Well-Architected Security checklist', 'WAS-')];

  const all = parts.flatMap((p) => p.sections.flatMap((s) => s.requirements));
  const metOf = (list: readonly RequirementEvidence[]) => list.filter((r) => r.verdict === 'met').length;
  const ftr = all.filter((r) => r.requirement.id.startsWith('FTR-'));
  const was = all.filter((r) => r.requirement.id.startsWith('WAS-'));
  const attestationCounts = { active: 0, expired: 0, revoked: 0 };
  for (const r of all) if (r.attestation) attestationCounts[r.attestation.state] += 1;
  return {
    summary: {
      accountId,
      scannedAt: report.generatedAt,
      regions: report.regions,
      builtAt: now.toISOString(),
      met: metOf(all),
      total: all.length,
      ftrMet: metOf(ftr),
      ftrTotal: ftr.length,
      wasMet: metOf(was),
      wasTotal: was.length,
      notMet: all.filter((r) => r.verdict === 'not met').length,
      open: all.filter((r) => r.verdict === 'open').length,
      openItems: all.reduce((n, r) => n + r.open.length, 0),
      attestations: attestationCounts,
      excepted: results.filter((r) => r.exception && r.status === 'FAIL').length,
      results: statusCounts(results),
    },
    parts,
  };
}

/* ---------- Markdown ---------- */

const MD_SPECIAL = /[\\`*_{}[\]()<>#+!|~&]/g;

/** AWS or user text as literal Markdown: one line, special characters escaped, control characters gone. */
export function mdText(text: string): string {
  return printable(text.replace(/\s*[\r\n]+\s*/g, ' ')).replace(MD_SPECIAL, (c) => `\\${c}`);
}

/** AWS text as a code span, fenced past any backticks it holds (not for table cells, where a pipe still splits). */
function mdCode(text: string): string {
  const t = printable(text.replace(/\s+/g, ' ')).trim();
  const fence = '`'.repeat(Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A link only when it is one (http or https, nothing that breaks out of the destination); else literal text. */
function mdLink(href: string): string {
  try {
    const url = new URL(href);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !/[\s<>]/.test(url.href)) return `[${mdText(url.href)}](<${url.href}>)`;
  } catch {
    // not a URL: shown as text
  }
  return mdText(href);
}

/** "FAIL", or "FAIL, exception accepted" for a failure an exception covers. */
export function statusLabel(line: EvidenceLine): string {
  return line.result.exception && line.result.status === 'FAIL' ? 'FAIL, exception accepted' : line.result.status === 'NOT_APPLICABLE' ? 'N/A' : line.result.status;
}

/** How the pack words an exception on a resource: reason, owner, who recorded it and until when. */
export function exceptionText(e: Pick<ResourceException, 'reason' | 'owner' | 'recordedBy' | 'recordedAt' | 'expiresAt'>): string {
  return `Exception: ${e.reason} (owner ${e.owner}, recorded by ${e.recordedBy} on ${dayOf(e.recordedAt)}, expires ${dayOf(e.expiresAt)})`;
}

/** An exception that no longer covers a failing resource. */
export function lapsedExceptionText(e: ResourceException): string {
  return e.revokedAt ? `Exception revoked on ${dayOf(e.revokedAt)}${e.revokedBy ? ` by ${e.revokedBy}` : ''}: ${e.reason}` : `Exception expired on ${dayOf(e.expiresAt)}: ${e.reason}`;
}

/** When the attestation stops counting, or stopped. */
export function attestationValidity(a: AttestationEvidence): string {
  if (a.state === 'revoked') return `revoked on ${dayOf(a.revokedAt ?? '')}${a.revokedBy ? ` by ${a.revokedBy}` : ''}`;
  return a.state === 'expired' ? `expired on ${dayOf(a.expiresAt)}` : `expires ${dayOf(a.expiresAt)}`;
}

export const VERDICT_LEGEND =
  'met: every result passes or does not apply (a failure with an accepted exception counts as met); not met: a resource fails or an attestation expired; open: needs a person (evidence to record, or a check that could not evaluate).';

/** The summary as label and value rows, for the Markdown table and the PDF title page. */
export function evidenceSummaryRows(s: EvidenceSummary): Array<[string, string]> {
  const r = s.results;
  return [
    ['Account', s.accountId],
    ['Scan', `${utcMinute(s.scannedAt)}, regions ${s.regions.join(', ') || 'none'}`],
    ['Pack built', utcMinute(s.builtAt)],
    ['FTR requirements met', `${s.ftrMet} of ${s.ftrTotal}`],
    ['Requirements met (FTR and Well-Architected Security)', `${s.met} of ${s.total} (${s.notMet} not met, ${s.open} open)`],
    ['Open items', String(s.openItems)],
    ['Attestations', `${s.attestations.active} active, ${s.attestations.expired} expired, ${s.attestations.revoked} revoked`],
    ['Results', `${r.PASS} PASS, ${r.FAIL} FAIL (${s.excepted} with an accepted exception), ${r.ERROR} ERROR, ${r.MANUAL} MANUAL, ${r.NOT_APPLICABLE} N/A`],
  ];
}

function mdRequirement(r: RequirementEvidence, lines: string[]): void {
  const { requirement } = r;
  lines.push('', `### ${requirement.id}: ${r.verdict}`, '', `> ${mdText(requirement.statement)}`, '');
  lines.push(`*Evidence source:* ${mdText(requirement.evidence)}`, '');
  lines.push(`**Automated evidence** (${count(r.automated.length, 'result')})`, '');
  if (r.automated.length === 0) lines.push(r.attestable ? '- None: a person\'s evidence decides this requirement.' : '- None in the last scan.');
  for (const line of r.automated.slice(0, LISTED_RESULTS)) {
    const x = line.result;
    lines.push(`- **${statusLabel(line)}** ${mdCode(x.checkId)} · ${mdText(x.region)} · ${mdCode(x.resource)}: ${mdText(x.message)}`);
    if (x.exception) lines.push(`  - ${mdText(exceptionText(x.exception))}`);
    if (line.lapsedException) lines.push(`  - ${mdText(lapsedExceptionText(line.lapsedException))}`);
  }
  if (r.automated.length > LISTED_RESULTS) lines.push(`- … and ${r.automated.length - LISTED_RESULTS} more in ${EVIDENCE_FILES.csv}`);
  if (r.attestable) {
    lines.push('', '**Attestation**', '');
    const a = r.attestation;
    if (!a) lines.push(`- None recorded.${r.attestationAsks ? ` To record: ${mdText(r.attestationAsks)}.` : ''}`);
    else {
      lines.push(`- Evidence: ${mdText(a.evidence || '(link only)')}`);
      if (a.link) lines.push(`- Link: ${mdLink(a.link)}`);
      lines.push(`- Owner ${mdText(a.owner)}, recorded by ${mdText(a.recordedBy)} on ${dayOf(a.recordedAt)}; ${mdText(attestationValidity(a))}`);
    }
  }
  lines.push('', '**Still open**', '');
  if (r.open.length === 0) lines.push('- Nothing.');
  for (const item of r.open) lines.push(`- ${mdText(item)}`);
}

/** The pack as Markdown: summary, an index of verdicts, then every requirement with its evidence. */
export function evidenceMarkdown(model: EvidenceModel): string {
  const s = model.summary;
  const lines = [`# FTR self-assessment evidence: account ${mdText(s.accountId)}`, '', '| | |', '|---|---|'];
  for (const [k, v] of evidenceSummaryRows(s)) lines.push(`| ${mdText(k)} | ${mdText(v)} |`);
  lines.push('', `Verdicts. ${mdText(VERDICT_LEGEND)}`, '', '## Verdicts at a glance', '', '| Requirement | Verdict | What it asks |', '|---|---|---|');
  for (const part of model.parts) for (const section of part.sections) for (const r of section.requirements) lines.push(`| ${r.requirement.id} | ${r.verdict} | ${mdText(r.requirement.short)} |`);
  model.parts.forEach((part, i) => {
    lines.push('', `# Part ${i + 1}: ${mdText(part.title)}`);
    for (const section of part.sections) {
      lines.push('', `## ${section.id} ${mdText(section.title)}`);
      for (const r of section.requirements) mdRequirement(r, lines);
    }
  });
  return `${lines.join('\n')}\n`;
}

/* ---------- CSV ---------- */

const CSV_COLUMNS = [
  'checkId',
  'refs',
  'status',
  'effectiveStatus',
  'severity',
  'accountId',
  'region',
  'resource',
  'message',
  'remediation',
  'exceptionReason',
  'exceptionOwner',
  'exceptionExpiresAt',
  'attestationOwner',
  'attestationExpiresAt',
  'attestationState',
] as const;

/** Every result of the account, one row each, with its effective status and the decisions on it. */
export function evidenceCsv(results: readonly DecidedResult[]): string {
  const rows = results.map((r) => [
    r.checkId,
    r.refs.join(';'),
    r.status,
    effectiveStatus(r),
    r.severity,
    r.accountId,
    r.region,
    r.resource,
    r.message,
    r.remediation ?? '',
    r.exception?.reason ?? '',
    r.exception?.owner ?? '',
    r.exception?.expiresAt ?? '',
    r.attestation?.owner ?? '',
    r.attestation?.expiresAt ?? '',
    r.attestation?.state ?? '',
  ]);
  return stringify(rows.map((row) => row.map(csvCell)), { header: true, columns: [...CSV_COLUMNS] });
}
