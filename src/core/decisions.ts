import { type CheckResult, type RequirementId, type Status } from './types';

/** Who answers for a decision, who recorded it and when, until when it counts, and its revocation. */
export interface DecisionRecord {
  accountId: string;
  /** The Slack user who answers for it. */
  owner: string;
  recordedBy: string;
  /** ISO-8601. */
  recordedAt: string;
  /** ISO-8601: from this instant it no longer counts. */
  expiresAt: string;
  revokedBy?: string;
  revokedAt?: string;
}

/**
 * A person's recorded evidence that a requirement no AWS API can prove is met, for one account,
 * with an owner and an expiry. Recording again replaces it; revoking keeps it with who and when.
 */
export interface Attestation extends DecisionRecord {
  requirementId: RequirementId;
  /** What was done and where it is documented. */
  evidence: string;
  /** An https link to the evidence. */
  link?: string;
}

/**
 * An accepted exception: one check's finding on one resource is known and accepted, with a reason,
 * until it expires (at most twelve months after it was recorded).
 */
export interface ResourceException extends DecisionRecord {
  checkId: string;
  resource: string;
  reason: string;
}

/** The attestations and exceptions recorded for the accounts of a report. */
export interface Decisions {
  attestations: readonly Attestation[];
  exceptions: readonly ResourceException[];
}

export const NO_DECISIONS: Decisions = { attestations: [], exceptions: [] };

/** What a report result carries of the attestation that decides it (the report's optional `attestation`). */
export interface ResultAttestation {
  requirementIds: RequirementId[];
  evidence: string;
  link?: string;
  owner: string;
  recordedBy: string;
  recordedAt: string;
  expiresAt: string;
  /** `active` passes the result; `expired` fails it; `revoked` leaves it needing a person again. */
  state: 'active' | 'expired' | 'revoked';
}

/** What a report result carries of the exception that accepts it (the report's optional `exception`). */
export type ResultException = Pick<ResourceException, 'reason' | 'owner' | 'recordedBy' | 'recordedAt' | 'expiresAt'>;

export interface DecidedResult extends CheckResult {
  attestation?: ResultAttestation;
  exception?: ResultException;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Days an attestation lasts unless the person recording it says otherwise. */
export const DEFAULT_ATTESTATION_DAYS = 365;

/** Requirements whose evidence goes stale sooner than a year, with the days it lasts. */
export const ATTESTATION_DAYS: Readonly<Record<RequirementId, number>> = {
  'FTR-7.8': 90, // identities are audited quarterly
};

export function defaultAttestationDays(requirementId: RequirementId): number {
  return ATTESTATION_DAYS[requirementId] ?? DEFAULT_ATTESTATION_DAYS;
}

export const DEFAULT_EXCEPTION_DAYS = 90;
export const MAX_EXCEPTION_DAYS = 365;

/**
 * The status that counts for the posture: a failure accepted by an exception counts as met; the
 * report keeps the original. An ERROR stays one: the exception accepted a known finding, not a
 * check that could not look.
 */
export function effectiveStatus(result: Pick<DecidedResult, 'status' | 'exception'>): Status {
  return result.exception && result.status === 'FAIL' ? 'PASS' : result.status;
}

const day = (iso: string): string => iso.slice(0, 10);

/** Where a decision stands at `now`: counting (`active`), past its expiry, or revoked. */
export function decisionState(decision: Pick<DecisionRecord, 'expiresAt' | 'revokedAt'>, now: Date): ResultAttestation['state'] {
  if (decision.revokedAt !== undefined) return 'revoked';
  return Date.parse(decision.expiresAt) > now.getTime() ? 'active' : 'expired';
}

const isLive = (decision: Pick<DecisionRecord, 'expiresAt' | 'revokedAt'>, now: Date): boolean => decisionState(decision, now) === 'active';

/** Whether a result is one that only a person can decide: it needs attestation, or carried one. */
function isAttestable(result: DecidedResult): boolean {
  return result.status === 'MANUAL' || result.attestation !== undefined;
}

function attestationOf(attestation: Attestation, requirementIds: RequirementId[], state: ResultAttestation['state']): ResultAttestation {
  const { evidence, link, owner, recordedBy, recordedAt, expiresAt } = attestation;
  return { requirementIds, evidence, ...(link ? { link } : {}), owner, recordedBy, recordedAt, expiresAt, state };
}

/** The attestation that decides a result needing a person, and how it decides it. */
function decideAttested(result: DecidedResult, byRequirement: ReadonlyMap<string, Attestation>, now: Date): DecidedResult {
  const found = result.refs.map((ref) => byRequirement.get(`${result.accountId}#${ref}`));
  const { attestation: _previous, ...bare } = result;
  if (found.some((a) => a === undefined)) {
    // Not every requirement of the result is attested: it needs a person, as the check said.
    return result.attestation ? { ...bare, status: 'MANUAL', message: `Needs attestation: record ${result.refs.join(', ')} again (/ftr attest).` } : result;
  }
  const attestations = found as Attestation[];
  // An expired attestation fails the result, which outweighs one withdrawn (needing a person again);
  // a revoked attestation is revoked whether or not it had expired.
  const expired = attestations.find((a) => decisionState(a, now) === 'expired');
  if (expired) {
    return {
      ...bare,
      status: 'FAIL',
      message: `Attestation expired on ${day(expired.expiresAt)} (recorded by ${expired.recordedBy} on ${day(expired.recordedAt)}): record it again.`,
      attestation: attestationOf(expired, result.refs, 'expired'),
    };
  }
  const revoked = attestations.find((a) => a.revokedAt !== undefined);
  if (revoked) {
    return {
      ...bare,
      status: 'MANUAL',
      message: `Attestation of ${revoked.requirementId} revoked on ${day(revoked.revokedAt!)} by ${revoked.revokedBy}: record it again with an owner and an expiry.`,
      attestation: attestationOf(revoked, result.refs, 'revoked'),
    };
  }
  // The earliest expiry decides when the result fails again.
  const first = [...attestations].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
  const evidence = [first.evidence, first.link && `(${first.link})`].filter(Boolean).join(' ');
  return {
    ...bare,
    status: 'PASS',
    message: `Attested by ${first.recordedBy} on ${day(first.recordedAt)}, owner ${first.owner}, expires on ${day(first.expiresAt)}: ${evidence}`,
    attestation: attestationOf(first, result.refs, 'active'),
  };
}

/**
 * The results as the recorded decisions make them at `now`: a result needing a person passes with
 * its attestation's evidence until the attestation expires, then fails; a finding accepted for its
 * resource keeps its status and carries the exception while it is live. Applying it again (to a
 * stored report, later, with newer decisions) gives the same as applying it once.
 */
export function applyDecisions<R extends DecidedResult>(results: readonly R[], decisions: Decisions, now: Date): R[] {
  const attestations = new Map(decisions.attestations.map((a) => [`${a.accountId}#${a.requirementId}`, a]));
  const exceptions = new Map(
    decisions.exceptions.filter((e) => isLive(e, now)).map((e) => [`${e.accountId}#${e.checkId}#${e.resource}`, e]),
  );
  return results.map((result) => {
    let decided: DecidedResult = isAttestable(result) ? decideAttested(result, attestations, now) : result;
    const { exception: _previous, ...bare } = decided;
    const exception = exceptions.get(`${result.accountId}#${result.checkId}#${result.resource}`);
    decided = exception
      ? { ...bare, exception: { reason: exception.reason, owner: exception.owner, recordedBy: exception.recordedBy, recordedAt: exception.recordedAt, expiresAt: exception.expiresAt } }
      : bare;
    return decided as R;
  });
}

/** Decisions that expire between `now` and `now + days`, soonest first (for summaries and App Home). */
export function expiringSoon<T extends { expiresAt: string; revokedAt?: string }>(decisions: readonly T[], now: Date, days: number): T[] {
  const until = now.getTime() + days * DAY_MS;
  return decisions
    .filter((d) => isLive(d, now) && Date.parse(d.expiresAt) <= until)
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}
