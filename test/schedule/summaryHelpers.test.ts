import { parse } from 'csv-parse/sync';
import { summaryScheduleSchema } from '../../src/config/summaries';
import { requirements } from '../../src/core/requirements';
import type { Status } from '../../src/core/types';
import type { ScanChanges } from '../../src/schedule/changes';
import { changesCsv, dailyTrend, scheduleId } from '../../src/schedule/summaries';
import type { ScanHistoryEntry } from '../../src/store';

describe('scheduleId', () => {
  const berlin = { channel: 'C0POSTURE1', cron: '0 9 * * 1', timezone: 'Europe/Berlin' };

  it('is the same for the same schedule, also across releases (the stored state is found by it)', () => {
    expect(scheduleId(berlin)).toBe(scheduleId({ ...berlin }));
    expect(scheduleId(berlin)).toBe('31f5b85b0fefd2c7');
  });

  it('does not depend on where the schedule is in the configuration, nor on whether UTC was written out', () => {
    const [first, second] = [summaryScheduleSchema.parse({ channel: 'C0POSTURE1', cron: '0 9 * * 1' }), summaryScheduleSchema.parse({ ...berlin })];
    expect(scheduleId(first)).toBe(scheduleId({ channel: 'C0POSTURE1', cron: '0 9 * * 1', timezone: 'UTC' }));
    expect(scheduleId(second)).toBe(scheduleId(berlin));
  });

  it('differs when the channel, the cron expression or the time zone differs', () => {
    const ids = [
      berlin,
      { ...berlin, channel: 'C0POSTURE2' },
      { ...berlin, cron: '0 9 * * 2' },
      { ...berlin, timezone: 'UTC' },
    ].map(scheduleId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
  });
});

describe('dailyTrend', () => {
  const ids = requirements().all.map((r) => r.id);
  const automated = new Set(ids);

  /** A history entry at `generatedAt` with the first `met` requirements passing and the rest failing. */
  const entry = (generatedAt: string, met: number, failingBySection?: Record<string, number>): ScanHistoryEntry => ({
    generatedAt,
    summary: { PASS: met, FAIL: ids.length - met, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 },
    requirements: Object.fromEntries(ids.map((id, i) => [id, (i < met ? 'PASS' : 'FAIL') as Status])),
    ...(failingBySection ? { failingBySection } : {}),
  });

  it('keeps the newest scan of each day, oldest day first', () => {
    // Newest first, as the store returns them.
    const history = [
      entry('2026-05-06T18:00:00.000Z', 45, { 'FTR-7': 1 }),
      entry('2026-05-06T07:00:00.000Z', 44, { 'FTR-7': 2 }),
      entry('2026-05-05T23:59:59.999Z', 43, { 'FTR-7': 3 }),
      entry('2026-05-04T09:00:00.000Z', 40, { 'FTR-7': 5, 'WAS-IAM': 1 }),
      entry('2026-05-04T00:00:00.000Z', 39, { 'FTR-7': 6 }),
    ];
    expect(dailyTrend(history, automated)).toEqual([
      { at: '2026-05-04T09:00:00.000Z', met: 40, total: 62, failingBySection: { 'FTR-7': 5, 'WAS-IAM': 1 } },
      { at: '2026-05-05T23:59:59.999Z', met: 43, total: 62, failingBySection: { 'FTR-7': 3 } },
      { at: '2026-05-06T18:00:00.000Z', met: 45, total: 62, failingBySection: { 'FTR-7': 1 } },
    ]);
  });

  it('does not depend on the order of the entries', () => {
    const history = [entry('2026-05-04T00:00:00.000Z', 39), entry('2026-05-06T07:00:00.000Z', 44), entry('2026-05-04T09:00:00.000Z', 40), entry('2026-05-06T18:00:00.000Z', 45)];
    expect(dailyTrend(history, automated).map((p) => [p.at, p.met])).toEqual([
      ['2026-05-04T09:00:00.000Z', 40],
      ['2026-05-06T18:00:00.000Z', 45],
    ]);
  });

  it('counts NOT_APPLICABLE as met and a requirement without status as not met', () => {
    const sparse: ScanHistoryEntry = { ...entry('2026-05-04T09:00:00.000Z', 0), requirements: { 'FTR-1.1': 'NOT_APPLICABLE', 'FTR-7.1': 'PASS', 'FTR-7.2': 'MANUAL' } };
    expect(dailyTrend([sparse], automated)).toEqual([{ at: '2026-05-04T09:00:00.000Z', met: 2, total: 62, failingBySection: {} }]);
  });

  it('tolerates entries kept before failing resources were recorded', () => {
    const [point] = dailyTrend([entry('2026-05-04T09:00:00.000Z', 10)], automated);
    expect(point.failingBySection).toEqual({});
  });

  it('gives nothing for no history', () => {
    expect(dailyTrend([], automated)).toEqual([]);
  });
});

describe('changesCsv', () => {
  const COLUMNS = ['change', 'requirements', 'check', 'region', 'resource', 'before', 'now'];
  const changes: ScanChanges = {
    newFailures: [
      { checkId: 's3_bucket_not_public', refs: ['FTR-10.2', 'WAS-DP-1'], region: 'global', resource: 'arn:aws:s3:::logs', status: 'FAIL', previous: 'PASS' },
      { checkId: 'ec2_sg_admin_ports', refs: ['WAS-INF-3'], region: 'eu-west-1', resource: 'sg-1, "quoted"\nsecond line', status: 'FAIL' },
    ],
    fixed: [
      { checkId: 'iam_user_mfa', refs: ['FTR-7.1'], region: 'global', resource: 'arn:aws:iam::123456789012:user/alice', status: 'PASS' },
      { checkId: 'iam_user_mfa', refs: ['FTR-7.1'], region: 'global', resource: 'arn:aws:iam::123456789012:user/bob', status: 'FAIL', gone: true },
    ],
    newErrors: [{ checkId: 'cloudtrail_multi_region', refs: ['FTR-6.1'], region: 'us-east-1', resource: 'account', status: 'ERROR', previous: 'FAIL' }],
  };

  it('has a header and one row per change, with what it was and what it is', () => {
    const csv = changesCsv(changes);
    expect(csv.split('\n')[0]).toBe(COLUMNS.join(','));
    const rows: string[][] = parse(csv);
    expect(rows[0]).toEqual(COLUMNS);
    expect(rows.slice(1)).toEqual([
      ['new failure', 'FTR-10.2 WAS-DP-1', 's3_bucket_not_public', 'global', 'arn:aws:s3:::logs', 'PASS', 'FAIL'],
      ['new failure', 'WAS-INF-3', 'ec2_sg_admin_ports', 'eu-west-1', 'sg-1, "quoted"\nsecond line', 'not seen', 'FAIL'],
      ['fixed', 'FTR-7.1', 'iam_user_mfa', 'global', 'arn:aws:iam::123456789012:user/alice', 'FAIL', 'PASS'],
      ['fixed', 'FTR-7.1', 'iam_user_mfa', 'global', 'arn:aws:iam::123456789012:user/bob', 'FAIL', 'resource gone'],
      ['new error', 'FTR-6.1', 'cloudtrail_multi_region', 'us-east-1', 'account', 'FAIL', 'ERROR'],
    ]);
  });

  it('reads back by column name', () => {
    const records: Record<string, string>[] = parse(changesCsv(changes), { columns: true });
    expect(records).toHaveLength(5);
    expect(records[4]).toEqual({ change: 'new error', requirements: 'FTR-6.1', check: 'cloudtrail_multi_region', region: 'us-east-1', resource: 'account', before: 'FAIL', now: 'ERROR' });
  });

  it('is only the header without changes', () => {
    expect(parse(changesCsv({ newFailures: [], fixed: [], newErrors: [] }))).toEqual([COLUMNS]);
  });
});
