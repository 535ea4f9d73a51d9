import { requirements } from '../core/requirements';
import type { Check, RequirementId, Severity } from '../core/types';

/** One line quoting what a requirement asks, for a check's rationale. */
export function quote(id: RequirementId): string {
  const requirement = requirements().byId.get(id);
  if (!requirement) throw new Error(`unknown requirement ${id}`);
  return `${id}: “${requirement.statement.replace(/\.$/, '')}.”`;
}

export interface AttestationSpec {
  id: string;
  refs: RequirementId[];
  title: string;
  severity: Severity;
  /** The evidence a person must record, e.g. "the runbook's location and the date it was last reviewed". */
  evidence: string;
  remediation: string;
}

/** A requirement no AWS API can prove: MANUAL until a person records evidence. */
export function defineAttestation(spec: AttestationSpec): Check {
  return {
    id: spec.id,
    refs: spec.refs,
    title: spec.title,
    severity: spec.severity,
    rationale: quote(spec.refs[0]),
    remediation: spec.remediation,
    scope: 'global',
    kind: 'attestation',
    evidence: spec.evidence,
    actions: [],
    async run() {
      return [
        {
          resource: 'account',
          status: 'MANUAL',
          message: `Needs attestation: record ${spec.evidence}, with an owner and an expiry.`,
        },
      ];
    },
  };
}

/** The union of action lists, sorted and without repeats, for a check's `actions`. */
export function actionList(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())].sort();
}
