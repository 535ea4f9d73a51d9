import { effectiveStatus, type DecidedResult } from './decisions';
import { requirements, type RequirementSet } from './requirements';
import type { Check, RequirementId, Status } from './types';

/** Worst first: a requirement takes the status of its worst result. */
const WORST_FIRST: readonly Status[] = ['FAIL', 'ERROR', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

const worse = (a: Status, b: Status): Status => (WORST_FIRST.indexOf(a) <= WORST_FIRST.indexOf(b) ? a : b);

/** Per requirement, the worst status of the results that are evidence for it (an accepted exception counts as met). */
export function requirementStatuses(results: readonly Pick<DecidedResult, 'refs' | 'status' | 'exception'>[]): Record<RequirementId, Status> {
  const statuses = new Map<RequirementId, Status>();
  for (const result of results) {
    const status = effectiveStatus(result);
    for (const ref of result.refs) {
      const known = statuses.get(ref);
      statuses.set(ref, known === undefined ? status : worse(known, status));
    }
  }
  return Object.fromEntries(statuses);
}

/** A requirement is met when every result that is evidence for it passes or does not apply. */
export function isMet(status: Status | undefined): boolean {
  return status === 'PASS' || status === 'NOT_APPLICABLE';
}

/** Requirements that at least one check judges from AWS itself (not only a person's attestation). */
export function automatedRequirements(checks: readonly Pick<Check, 'refs' | 'kind'>[]): ReadonlySet<RequirementId> {
  return new Set(checks.filter((c) => c.kind !== 'attestation').flatMap((c) => c.refs));
}

export interface SectionPosture {
  id: string;
  title: string;
  met: number;
  total: number;
}

/** How many requirements are met, of all and of the automated ones, overall and per section. */
export interface RequirementPosture {
  met: number;
  total: number;
  automatedMet: number;
  automatedTotal: number;
  sections: SectionPosture[];
}

/** The posture of one scan from its requirement statuses; a requirement without results is not met. */
export function requirementPosture(
  statuses: Readonly<Record<RequirementId, Status>>,
  automated: ReadonlySet<RequirementId>,
  set: RequirementSet = requirements(),
): RequirementPosture {
  const posture: RequirementPosture = { met: 0, total: 0, automatedMet: 0, automatedTotal: 0, sections: [] };
  for (const section of set.sections) {
    const met = section.requirementIds.filter((id) => isMet(statuses[id])).length;
    posture.sections.push({ id: section.id, title: section.title, met, total: section.requirementIds.length });
    posture.met += met;
    posture.total += section.requirementIds.length;
    for (const id of section.requirementIds) {
      if (!automated.has(id)) continue;
      posture.automatedTotal += 1;
      if (isMet(statuses[id])) posture.automatedMet += 1;
    }
  }
  return posture;
}
