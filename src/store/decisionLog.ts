import {
  applyDecisions,
  DAY_MS,
  DEFAULT_EXCEPTION_DAYS,
  defaultAttestationDays,
  MAX_EXCEPTION_DAYS,
  NO_DECISIONS,
  type Attestation,
  type Decisions,
  type ResourceException,
} from '../core/decisions';
import type { RequirementSet } from '../core/requirements';
import { statusCounts, type Check, type CheckResult, type RequirementId } from '../core/types';
import type { ScanReport } from '../engine/scan';
import { decisionTarget, type Store } from './store';

/** Why a recording was refused, per input field: shown next to the field in Slack, or as lines in the CLI. */
export class DecisionInputError extends Error {
  override name = 'DecisionInputError';
  constructor(readonly fields: Readonly<Record<string, string>>) {
    super(Object.values(fields).join(' '));
  }
}

export interface AttestationInput {
  accountId: string;
  requirementId: string;
  evidence?: string;
  link?: string;
  owner?: string;
  /** `YYYY-MM-DD`: the first day the attestation no longer counts; the requirement's default when absent. */
  expiresOn?: string;
  by: string;
}

export interface ExceptionInput {
  accountId: string;
  checkId: string;
  resource: string;
  reason?: string;
  owner?: string;
  /** `YYYY-MM-DD`; at most twelve months ahead; 90 days when absent. */
  expiresOn?: string;
  by: string;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const MAX_EVIDENCE_CHARS = 3000;
const MAX_LINK_CHARS = 2000;
/** Attestations longer than this are evidence nobody looks at again. */
const MAX_ATTESTATION_DAYS = 3 * 366;

/** The `YYYY-MM-DD` of an instant, in UTC (expiries are whole days). */
export const isoDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The day `days` after `now`, as an expiry date. */
export function dayAfter(now: Date, days: number): string {
  return isoDay(new Date(now.getTime() + days * DAY_MS));
}

function parseDay(text: string): Date | undefined {
  const match = ISO_DAY.exec(text.trim());
  if (!match) return undefined;
  const at = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || isoDay(at) !== text.trim() ? undefined : at;
}

/** The expiry instant of a `YYYY-MM-DD`, or the field error: not a date, not after today, too far ahead. */
function expiryOf(text: string, now: Date, maxDays: number, errors: Record<string, string>): string | undefined {
  const at = parseDay(text);
  if (!at) {
    errors.expiry = `"${text}" is not a date: use YYYY-MM-DD.`;
    return undefined;
  }
  if (at.getTime() <= now.getTime()) {
    errors.expiry = `The expiry must be after today (${isoDay(now)}).`;
    return undefined;
  }
  if (at.getTime() > now.getTime() + maxDays * DAY_MS) {
    errors.expiry = `The expiry can be at most ${maxDays >= 730 ? `${Math.floor(maxDays / 365)} years` : `${Math.round(maxDays / 30.4)} months`} ahead (${dayAfter(now, maxDays)}).`;
    return undefined;
  }
  return at.toISOString();
}

/**
 * The link as it is recorded (normalized, so that spaces and non-ASCII characters are escaped as
 * the report's `uri` format requires), or why it is refused.
 */
function parseLink(link: string): { href: string } | { error: string } {
  if (link.length > MAX_LINK_CHARS) return { error: `The link is longer than ${MAX_LINK_CHARS} characters.` };
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { error: `"${link.slice(0, 80)}" is not a link: use a full https:// address.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: 'The link must start with https:// (or http://).' };
  if (!url.hostname) return { error: 'The link names no host.' };
  return { href: url.href };
}

function ownerError(owner: string | undefined): string | undefined {
  if (owner === undefined || owner === '') return 'Choose the owner: the person who answers for it.';
  return SLACK_USER.test(owner) ? undefined : `"${owner}" is not a Slack user ID (U… or W…).`;
}

/**
 * Records attestations and exceptions with who and when, audits every change, and applies them to
 * reports. Validation reads only what it is given: the requirement set, the catalog and the last report.
 */
export class DecisionLog {
  constructor(
    private readonly deps: {
      store: Store;
      requirements: RequirementSet;
      checks: readonly Check[];
      now: () => Date;
    },
  ) {}

  /**
   * Requirements a person can attest: those of attestation checks, and those of any result that
   * needs a person in the last report (e.g. Macie discovery that is off).
   */
  attestable(lastReport?: Pick<ScanReport, 'results'>): Set<RequirementId> {
    const ids = new Set(this.deps.checks.filter((c) => c.kind === 'attestation').flatMap((c) => c.refs));
    for (const result of lastReport?.results ?? []) if (result.status === 'MANUAL' || result.attestation) result.refs.forEach((ref) => ids.add(ref));
    return ids;
  }

  /** The attestation an input would record, or a DecisionInputError naming each bad field. */
  validateAttestation(input: AttestationInput, lastReport?: Pick<ScanReport, 'results'>): Attestation {
    const now = this.deps.now();
    const errors: Record<string, string> = {};
    const requirementId = input.requirementId.trim().toUpperCase();
    if (!this.deps.requirements.byId.has(requirementId)) {
      errors.requirement = `${input.requirementId.trim() || 'An empty ID'} is not a requirement ID (e.g. FTR-3.4, WAS-IR-3).`;
    } else if (!this.attestable(lastReport).has(requirementId)) {
      errors.requirement = `${requirementId} is decided from AWS by its checks, not by a person: to accept one resource's finding, record an exception.`;
    }
    const evidence = (input.evidence ?? '').trim();
    const linkText = (input.link ?? '').trim();
    if (!evidence && !linkText) errors.evidence = 'Record the evidence: a text, a link, or both.';
    if (evidence.length > MAX_EVIDENCE_CHARS) errors.evidence = `The evidence is longer than ${MAX_EVIDENCE_CHARS} characters: link to the document instead.`;
    const link = linkText ? parseLink(linkText) : undefined;
    if (link && 'error' in link) errors.link = link.error;
    const owner = input.owner?.trim();
    const badOwner = ownerError(owner);
    if (badOwner) errors.owner = badOwner;
    const days = errors.requirement ? 365 : defaultAttestationDays(requirementId);
    const expiresAt = expiryOf(input.expiresOn?.trim() || dayAfter(now, days), now, MAX_ATTESTATION_DAYS, errors);
    if (Object.keys(errors).length > 0) throw new DecisionInputError(errors);
    return {
      accountId: input.accountId,
      requirementId,
      evidence,
      ...(link && 'href' in link ? { link: link.href } : {}),
      owner: owner!,
      recordedBy: input.by,
      recordedAt: now.toISOString(),
      expiresAt: expiresAt!,
    };
  }

  /** The exception an input would record, or a DecisionInputError naming each bad field. */
  validateException(input: ExceptionInput, lastReport?: Pick<ScanReport, 'results'>): ResourceException {
    const now = this.deps.now();
    const errors: Record<string, string> = {};
    const check = this.deps.checks.find((c) => c.id === input.checkId.trim());
    const resource = input.resource.trim();
    if (!check) errors.check = `${input.checkId.trim() || 'An empty ID'} is not a check ID (see npx ftr catalog).`;
    else if (check.kind === 'attestation') errors.check = `${check.id} needs a person's evidence: record it with /ftr attest ${check.refs[0]}.`;
    if (!resource) errors.resource = 'Name the resource (its ARN or identifier, as the report shows it).';
    else if (check && lastReport && !lastReport.results.some((r) => r.checkId === check.id && r.resource === resource && r.accountId === input.accountId)) {
      errors.resource = `The last scan has no result of ${check.id} for ${resource.slice(0, 200)}.`;
    }
    const reason = (input.reason ?? '').trim();
    if (reason.length < 10) errors.reason = 'Say why this finding is accepted (at least 10 characters).';
    if (reason.length > MAX_EVIDENCE_CHARS) errors.reason = `The reason is longer than ${MAX_EVIDENCE_CHARS} characters.`;
    const owner = input.owner?.trim();
    const badOwner = ownerError(owner);
    if (badOwner) errors.owner = badOwner;
    const expiresAt = expiryOf(input.expiresOn?.trim() || dayAfter(now, DEFAULT_EXCEPTION_DAYS), now, MAX_EXCEPTION_DAYS, errors);
    if (Object.keys(errors).length > 0) throw new DecisionInputError(errors);
    return {
      accountId: input.accountId,
      checkId: check!.id,
      resource,
      reason,
      owner: owner!,
      recordedBy: input.by,
      recordedAt: now.toISOString(),
      expiresAt: expiresAt!,
    };
  }

  /** Validates and records an attestation, replacing the one before, and audits it. */
  async attest(input: AttestationInput, lastReport?: Pick<ScanReport, 'results'>): Promise<Attestation> {
    const attestation = this.validateAttestation(input, lastReport);
    await this.deps.store.putAttestation(attestation);
    await this.audit(attestation, input.by, 'attested', `owner ${attestation.owner}, expires ${isoDay(new Date(attestation.expiresAt))}`);
    return attestation;
  }

  /** Validates and records an exception, replacing the one before, and audits it. */
  async except(input: ExceptionInput, lastReport?: Pick<ScanReport, 'results'>): Promise<ResourceException> {
    const exception = this.validateException(input, lastReport);
    await this.deps.store.putException(exception);
    await this.audit(exception, input.by, 'excepted', `owner ${exception.owner}, expires ${isoDay(new Date(exception.expiresAt))}: ${exception.reason}`);
    return exception;
  }

  /** Revokes the live attestation of a requirement; undefined when there is none. */
  async revokeAttestation(accountId: string, requirementId: string, by: string): Promise<Attestation | undefined> {
    const { attestations } = await this.deps.store.decisions(accountId);
    const current = attestations.find((a) => a.requirementId === requirementId.trim().toUpperCase() && a.revokedAt === undefined);
    if (!current) return undefined;
    const revoked = { ...current, revokedBy: by, revokedAt: this.deps.now().toISOString() };
    await this.deps.store.putAttestation(revoked);
    await this.audit(revoked, by, 'revoked');
    return revoked;
  }

  /** Revokes the live exception of one check and resource; undefined when there is none. */
  async revokeException(accountId: string, checkId: string, resource: string, by: string): Promise<ResourceException | undefined> {
    const { exceptions } = await this.deps.store.decisions(accountId);
    const current = exceptions.find((e) => e.checkId === checkId.trim() && e.resource === resource.trim() && e.revokedAt === undefined);
    if (!current) return undefined;
    const revoked = { ...current, revokedBy: by, revokedAt: this.deps.now().toISOString() };
    await this.deps.store.putException(revoked);
    await this.audit(revoked, by, 'revoked');
    return revoked;
  }

  decisions(accountId?: string): Promise<Decisions> {
    return this.deps.store.decisions(accountId);
  }

  private audit(decision: Attestation | ResourceException, actor: string, action: string, detail?: string): Promise<void> {
    return this.deps.store.appendAudit({ at: this.deps.now().toISOString(), actor, action, target: decisionTarget(decision), ...(detail ? { detail } : {}) });
  }
}

/** The report with the decisions `store` holds for its accounts applied at `now`. */
export async function decideFromStore(store: Pick<Store, 'decisions'>, report: ScanReport, now: Date): Promise<ScanReport> {
  const recorded = await Promise.all(report.accounts.map((accountId) => store.decisions(accountId)));
  return decide(report, { attestations: recorded.flatMap((d) => d.attestations), exceptions: recorded.flatMap((d) => d.exceptions) }, now);
}

/** A report with decisions applied at `now`; the summary's status counts follow the results. */
export function decide(report: ScanReport, decisions: Decisions = NO_DECISIONS, now: Date): ScanReport {
  const results: CheckResult[] = applyDecisions(report.results, decisions, now);
  return { ...report, summary: { ...report.summary, ...statusCounts(results) }, results };
}
