import { diffScans } from '../../src/schedule/changes';
import type { CompactResult } from '../../src/store';

type Status = CompactResult['status'];

const r = (status: Status, resource = 'bucket-a', fields: Partial<CompactResult> = {}): CompactResult => ({
  checkId: 's3_bucket_not_public',
  refs: ['FTR-10.2'],
  region: 'eu-west-1',
  resource,
  status,
  ...fields,
});

const scan = (...results: CompactResult[]) => ({ results });

const nothing = { newFailures: [], fixed: [], newErrors: [] };

describe('diffScans', () => {
  it('reports a failure that passed before as new, with what it was', () => {
    expect(diffScans(scan(r('PASS')), scan(r('FAIL')))).toEqual({ ...nothing, newFailures: [{ ...r('FAIL'), previous: 'PASS' }] });
  });

  it('reports a failure of a resource the previous scan did not see as new, without a previous status', () => {
    const changes = diffScans(scan(r('FAIL', 'other')), scan(r('FAIL', 'other'), r('FAIL', 'new')));
    expect(changes.newFailures).toEqual([{ ...r('FAIL', 'new'), previous: undefined }]);
    expect(changes.newFailures[0].previous).toBeUndefined();
  });

  it.each<Status>(['ERROR', 'MANUAL', 'NOT_APPLICABLE'])('reports a failure that was %s as new', (before) => {
    expect(diffScans(scan(r(before)), scan(r('FAIL'))).newFailures).toEqual([{ ...r('FAIL'), previous: before }]);
  });

  it.each<Status>(['PASS', 'NOT_APPLICABLE'])('reports FAIL → %s as fixed, with the new status', (now) => {
    expect(diffScans(scan(r('FAIL')), scan(r(now)))).toEqual({ ...nothing, fixed: [r(now)] });
  });

  it('reports a failing resource the current scan no longer sees as fixed and gone', () => {
    expect(diffScans(scan(r('FAIL'), r('PASS', 'kept')), scan(r('PASS', 'kept')))).toEqual({ ...nothing, fixed: [{ ...r('FAIL'), gone: true }] });
  });

  it('reports FAIL → ERROR as a new error and not as fixed', () => {
    expect(diffScans(scan(r('FAIL')), scan(r('ERROR')))).toEqual({ ...nothing, newErrors: [{ ...r('ERROR'), previous: 'FAIL' }] });
  });

  it.each<[string, Status | undefined]>([
    ['PASS', 'PASS'],
    ['NOT_APPLICABLE', 'NOT_APPLICABLE'],
    ['MANUAL', 'MANUAL'],
    ['not seen', undefined],
  ])('reports an error that was %s as new', (_label, before) => {
    const previous = before ? scan(r(before)) : scan();
    expect(diffScans(previous, scan(r('ERROR'))).newErrors).toEqual([{ ...r('ERROR'), previous: before }]);
  });

  it.each<[Status, Status]>([
    ['ERROR', 'ERROR'],
    ['FAIL', 'FAIL'],
    ['PASS', 'PASS'],
    ['PASS', 'MANUAL'],
    ['MANUAL', 'PASS'],
    ['MANUAL', 'NOT_APPLICABLE'],
    ['FAIL', 'MANUAL'],
    ['ERROR', 'PASS'],
    ['ERROR', 'MANUAL'],
    ['NOT_APPLICABLE', 'PASS'],
  ])('reports nothing for %s → %s', (before, now) => {
    expect(diffScans(scan(r(before)), scan(r(now)))).toEqual(nothing);
  });

  it.each<Status>(['PASS', 'ERROR', 'MANUAL', 'NOT_APPLICABLE'])('reports nothing for a %s resource that is gone', (before) => {
    expect(diffScans(scan(r(before)), scan())).toEqual(nothing);
  });

  it('keeps the same resource in two regions apart', () => {
    const before = scan(r('FAIL', 'vpc-1', { region: 'eu-west-1' }), r('PASS', 'vpc-1', { region: 'us-east-1' }));
    const now = scan(r('PASS', 'vpc-1', { region: 'eu-west-1' }), r('FAIL', 'vpc-1', { region: 'us-east-1' }));
    expect(diffScans(before, now)).toEqual({
      ...nothing,
      newFailures: [{ ...r('FAIL', 'vpc-1', { region: 'us-east-1' }), previous: 'PASS' }],
      fixed: [r('PASS', 'vpc-1', { region: 'eu-west-1' })],
    });
  });

  it('keeps the same resource under two checks apart', () => {
    const before = scan(r('FAIL', 'bucket', { checkId: 'a' }), r('PASS', 'bucket', { checkId: 'b' }));
    const now = scan(r('FAIL', 'bucket', { checkId: 'b' }), r('PASS', 'bucket', { checkId: 'a' }));
    const changes = diffScans(before, now);
    expect(changes.newFailures.map((c) => c.checkId)).toEqual(['b']);
    expect(changes.fixed.map((c) => c.checkId)).toEqual(['a']);
  });

  it('without a previous scan, reports everything failing or erring as new and nothing as fixed', () => {
    const changes = diffScans(undefined, scan(r('FAIL', 'b'), r('PASS', 'c'), r('ERROR', 'd'), r('FAIL', 'a'), r('MANUAL', 'e')));
    expect(changes.newFailures).toEqual([
      { ...r('FAIL', 'a'), previous: undefined },
      { ...r('FAIL', 'b'), previous: undefined },
    ]);
    expect(changes.newErrors).toEqual([{ ...r('ERROR', 'd'), previous: undefined }]);
    expect(changes.fixed).toEqual([]);
  });

  it('sorts each list by check, then region, then resource', () => {
    const now = scan(
      r('FAIL', 'b', { checkId: 'z_check' }),
      r('FAIL', 'b', { checkId: 'a_check', region: 'us-east-1' }),
      r('FAIL', 'b', { checkId: 'a_check', region: 'eu-west-1' }),
      r('FAIL', 'a', { checkId: 'a_check', region: 'us-east-1' }),
    );
    const before = scan(r('FAIL', 'y', { checkId: 'z_check' }), r('FAIL', 'x', { checkId: 'z_check' }), r('FAIL', 'w', { checkId: 'm_check' }));
    const changes = diffScans(before, now);
    expect(changes.newFailures.map((c) => `${c.checkId}/${c.region}/${c.resource}`)).toEqual([
      'a_check/eu-west-1/b',
      'a_check/us-east-1/a',
      'a_check/us-east-1/b',
      'z_check/eu-west-1/b',
    ]);
    expect(changes.fixed.map((c) => `${c.checkId}/${c.resource}`)).toEqual(['m_check/w', 'z_check/x', 'z_check/y']);
  });

  it('keeps the refs of each change', () => {
    const changes = diffScans(scan(), scan(r('FAIL', 'x', { refs: ['FTR-7.1', 'WAS-IAM-1'] })));
    expect(changes.newFailures[0].refs).toEqual(['FTR-7.1', 'WAS-IAM-1']);
  });

  it('does not change the scans it compares', () => {
    const before = scan(r('FAIL', 'b'), r('FAIL', 'a'));
    const now = scan(r('PASS', 'b'), r('ERROR', 'c'));
    const copies = JSON.parse(JSON.stringify([before, now]));
    diffScans(before, now);
    expect([before, now]).toEqual(copies);
  });

  it('diffs scans of 10 000 results each', () => {
    const size = 10_000;
    const status = (i: number, shift: number): Status => (['PASS', 'FAIL', 'ERROR', 'MANUAL', 'NOT_APPLICABLE'] as const)[(i + shift) % 5];
    const resource = (i: number) => `arn:aws:s3:::bucket-${String(i).padStart(5, '0')}`;
    // Same resources, each moved one status along; the last 1 000 of the previous scan are gone and 1 000 new appear.
    const before = scan(...Array.from({ length: size }, (_v, i) => r(status(i, 0), resource(i))));
    const now = scan(...Array.from({ length: size }, (_v, i) => r(status(i, 1), resource(i < size - 1000 ? i : i + 1000))));
    const changes = diffScans(before, now);

    // Kept (0..8 999): PASS→FAIL 1 800 new failures, FAIL→ERROR 1 800 new errors. New (10 000..10 999): 200 FAIL and
    // 200 ERROR, not seen before. Gone (9 000..9 999): the 200 that failed are fixed and gone.
    expect(changes.newFailures).toHaveLength(2000);
    expect(changes.newErrors).toHaveLength(2000);
    expect(changes.fixed).toHaveLength(200);
    expect(changes.fixed.every((c) => c.gone === true)).toBe(true);
    expect(changes.newFailures.filter((c) => c.previous === 'PASS')).toHaveLength(1800);
    expect(changes.newFailures.filter((c) => c.previous === undefined)).toHaveLength(200);
    expect(changes.newErrors.filter((c) => c.previous === 'FAIL')).toHaveLength(1800);
    const names = changes.newFailures.map((c) => c.resource);
    expect(names).toEqual([...names].sort());
  });
});
