import { catalog } from '../../src/checks/catalog';
import { automatedRequirements, isMet, requirementPosture, requirementStatuses } from '../../src/core/posture';
import { requirements, type RequirementSet } from '../../src/core/requirements';
import type { Check, Status } from '../../src/core/types';

const result = (status: Status, ...refs: string[]) => ({ status, refs });

describe('requirementStatuses', () => {
  it.each<[Status[], Status]>([
    [['PASS', 'FAIL', 'NOT_APPLICABLE'], 'FAIL'],
    [['ERROR', 'FAIL'], 'FAIL'],
    [['PASS', 'ERROR', 'MANUAL'], 'ERROR'],
    [['PASS', 'MANUAL', 'NOT_APPLICABLE'], 'MANUAL'],
    [['NOT_APPLICABLE', 'PASS'], 'PASS'],
    [['NOT_APPLICABLE', 'NOT_APPLICABLE'], 'NOT_APPLICABLE'],
  ])('takes the worst of %p: %s', (statuses, worst) => {
    expect(requirementStatuses(statuses.map((s) => result(s, 'FTR-7.1')))).toEqual({ 'FTR-7.1': worst });
    // The order the results come in does not matter.
    expect(requirementStatuses([...statuses].reverse().map((s) => result(s, 'FTR-7.1')))).toEqual({ 'FTR-7.1': worst });
  });

  it('counts a result with several refs for each of them', () => {
    const statuses = requirementStatuses([result('FAIL', 'FTR-7.1', 'WAS-IAM-1'), result('PASS', 'WAS-IAM-1', 'FTR-7.3'), result('ERROR', 'FTR-7.3')]);
    expect(statuses).toEqual({ 'FTR-7.1': 'FAIL', 'WAS-IAM-1': 'FAIL', 'FTR-7.3': 'ERROR' });
  });

  it('has no entry for a requirement without results', () => {
    expect(requirementStatuses([])).toEqual({});
    expect(requirementStatuses([result('PASS')])).toEqual({});
  });
});

describe('isMet', () => {
  it.each<[Status | undefined, boolean]>([
    ['PASS', true],
    ['NOT_APPLICABLE', true],
    ['FAIL', false],
    ['ERROR', false],
    ['MANUAL', false],
    [undefined, false],
  ])('%s → %p', (status, met) => {
    expect(isMet(status)).toBe(met);
  });
});

describe('automatedRequirements', () => {
  const check = (kind: Check['kind'], ...refs: string[]) => ({ kind, refs });

  it('takes the refs of automated checks and leaves out those only attestations evidence', () => {
    const automated = automatedRequirements([check('automated', 'FTR-7.1', 'WAS-IAM-1'), check('attestation', 'FTR-9.1'), check('attestation', 'FTR-7.1')]);
    expect([...automated].sort()).toEqual(['FTR-7.1', 'WAS-IAM-1']);
  });

  describe('of the real catalog', () => {
    const automated = automatedRequirements(catalog);

    it('leaves out a requirement only attestation checks evidence', () => {
      const attested = catalog.filter((c) => c.kind === 'attestation').flatMap((c) => c.refs);
      expect(attested).toContain('FTR-9.1');
      expect(catalog.filter((c) => c.refs.includes('FTR-9.1')).every((c) => c.kind === 'attestation')).toBe(true);
      expect(automated.has('FTR-9.1')).toBe(false);
    });

    it('includes a requirement an automated check evidences', () => {
      const mfa = catalog.find((c) => c.kind === 'automated' && c.refs.includes('FTR-7.1'));
      expect(mfa).toBeDefined();
      expect(automated.has('FTR-7.1')).toBe(true);
    });

    it('holds only known requirements, some but not all of the 62', () => {
      const known = requirements().byId;
      expect([...automated].filter((id) => !known.has(id))).toEqual([]);
      expect(automated.size).toBeGreaterThanOrEqual(1);
      expect(automated.size).toBeLessThan(62);
    });
  });
});

describe('requirementPosture', () => {
  const set = requirements();
  const all = set.all.map((r) => r.id);

  it('uses the shipped requirements: 62, the sum of the sections', () => {
    const posture = requirementPosture({}, new Set());
    expect(posture.total).toBe(62);
    expect(posture.sections.reduce((sum, s) => sum + s.total, 0)).toBe(62);
    expect(posture.sections.map((s) => s.id)).toEqual(set.sections.map((s) => s.id));
  });

  it('counts a requirement without results as not met', () => {
    const posture = requirementPosture({}, new Set(all));
    expect(posture).toMatchObject({ met: 0, total: 62, automatedMet: 0, automatedTotal: 62 });
    expect(posture.sections.every((s) => s.met === 0)).toBe(true);
  });

  it('counts PASS and NOT_APPLICABLE as met, FAIL, ERROR and MANUAL not', () => {
    const posture = requirementPosture(
      { 'FTR-7.1': 'PASS', 'FTR-7.2': 'NOT_APPLICABLE', 'FTR-7.3': 'FAIL', 'FTR-7.4': 'ERROR', 'FTR-7.5': 'MANUAL', 'FTR-9.1': 'PASS' },
      new Set(),
    );
    expect(posture.met).toBe(3);
    const ftr7 = posture.sections.find((s) => s.id === 'FTR-7')!;
    expect(ftr7.met).toBe(2);
    expect(ftr7.total).toBe(set.sections.find((s) => s.id === 'FTR-7')!.requirementIds.length);
    expect(posture.sections.find((s) => s.id === 'FTR-9')!.met).toBe(1);
  });

  it('counts met and total of the automated requirements apart', () => {
    const posture = requirementPosture({ 'FTR-7.1': 'PASS', 'FTR-7.3': 'FAIL', 'FTR-9.1': 'PASS' }, new Set(['FTR-7.1', 'FTR-7.3', 'FTR-7.2']));
    expect(posture).toMatchObject({ met: 2, total: 62, automatedMet: 1, automatedTotal: 3 });
  });

  it('ignores statuses of requirements outside the set', () => {
    const posture = requirementPosture({ 'FTR-99.1': 'PASS' }, new Set(['FTR-99.1']));
    expect(posture).toMatchObject({ met: 0, automatedMet: 0, automatedTotal: 0 });
  });

  it('follows the set it is given', () => {
    const small: RequirementSet = {
      all: [],
      byId: new Map(),
      sections: [
        { id: 'A', title: 'First', requirementIds: ['A-1', 'A-2'] },
        { id: 'B', title: 'Second', requirementIds: ['B-1'] },
      ],
    };
    expect(requirementPosture({ 'A-1': 'PASS', 'B-1': 'NOT_APPLICABLE' }, new Set(['A-2', 'B-1']), small)).toEqual({
      met: 2,
      total: 3,
      automatedMet: 1,
      automatedTotal: 2,
      sections: [
        { id: 'A', title: 'First', met: 1, total: 2 },
        { id: 'B', title: 'Second', met: 1, total: 1 },
      ],
    });
  });

  it('with the real catalog, gives an automated total between 1 and 62', () => {
    const posture = requirementPosture({}, automatedRequirements(catalog));
    expect(posture.automatedTotal).toBeGreaterThanOrEqual(1);
    expect(posture.automatedTotal).toBeLessThan(62);
    expect(posture.automatedTotal).toBe(automatedRequirements(catalog).size);
  });
});
