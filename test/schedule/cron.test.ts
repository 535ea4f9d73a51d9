import { summaryScheduleSchema } from '../../src/config/summaries';
import { CronSchedule } from '../../src/schedule/cron';

const at = (iso: string) => new Date(iso);
const next = (expression: string, timezone: string, after: string) => new CronSchedule(expression, timezone).next(at(after)).toISOString();

/** The occurrences following `after`, each found from the one before, as the scheduler walks them. */
function occurrences(schedule: CronSchedule, after: string, count: number): string[] {
  const out: string[] = [];
  let from = at(after);
  for (let i = 0; i < count; i += 1) {
    from = schedule.next(from);
    out.push(from.toISOString());
  }
  return out;
}

describe('CronSchedule', () => {
  it('keeps the expression and time zone it was made with', () => {
    expect(new CronSchedule('0 9 * * 1', 'Europe/Berlin')).toMatchObject({ expression: '0 9 * * 1', timezone: 'Europe/Berlin' });
  });

  it('gives the first occurrence strictly after the given time', () => {
    expect(next('0 9 * * *', 'UTC', '2026-05-04T08:59:59.999Z')).toBe('2026-05-04T09:00:00.000Z');
    expect(next('0 9 * * *', 'UTC', '2026-05-04T09:00:00.000Z')).toBe('2026-05-05T09:00:00.000Z');
    expect(next('0 9 * * *', 'UTC', '2026-05-04T09:00:00.001Z')).toBe('2026-05-05T09:00:00.000Z');
  });

  it('runs "0 9 * * 1" in Europe/Berlin at 09:00 local time across the spring change (29 March 2026)', () => {
    expect(occurrences(new CronSchedule('0 9 * * 1', 'Europe/Berlin'), '2026-03-16T12:00:00Z', 3)).toEqual([
      '2026-03-23T08:00:00.000Z', // CET, UTC+1
      '2026-03-30T07:00:00.000Z', // CEST, UTC+2
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('runs "0 9 * * 1" in Europe/Berlin at 09:00 local time across the autumn change (25 October 2026)', () => {
    expect(occurrences(new CronSchedule('0 9 * * 1', 'Europe/Berlin'), '2026-10-12T12:00:00Z', 3)).toEqual([
      '2026-10-19T07:00:00.000Z', // CEST
      '2026-10-26T08:00:00.000Z', // CET
      '2026-11-02T08:00:00.000Z',
    ]);
  });

  // node-cron's own behaviour, pinned: a time that does not exist on the spring change day is skipped that day, and a
  // time that occurs twice on the autumn change day runs once.
  it('skips a time the spring change leaves out and runs a repeated autumn time once', () => {
    expect(occurrences(new CronSchedule('30 2 * * *', 'Europe/Berlin'), '2026-03-28T12:00:00Z', 2)).toEqual(['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    const autumn = occurrences(new CronSchedule('30 2 * * *', 'Europe/Berlin'), '2026-10-24T12:00:00Z', 2);
    expect(autumn).toHaveLength(2);
    expect(autumn[0].slice(0, 10)).toBe('2026-10-25');
    expect(autumn[1]).toBe('2026-10-26T01:30:00.000Z');
  });

  it('honours a seconds field', () => {
    expect(occurrences(new CronSchedule('*/20 * * * * *', 'UTC'), '2026-01-01T10:00:05Z', 4)).toEqual([
      '2026-01-01T10:00:20.000Z',
      '2026-01-01T10:00:40.000Z',
      '2026-01-01T10:01:00.000Z',
      '2026-01-01T10:01:20.000Z',
    ]);
    expect(next('*/20 * * * * *', 'UTC', '2026-01-01T10:00:20.500Z')).toBe('2026-01-01T10:00:40.000Z');
  });

  it('requires both day of month and day of week when both are set, as node-cron does ("0 0 1 * 1": a 1st that is a Monday)', () => {
    const days = occurrences(new CronSchedule('0 0 1 * 1', 'UTC'), '2026-01-01T00:00:00Z', 3);
    // Not every 1st and every Monday, as classic cron would: only the 1st of June 2026, February 2027 and March 2027.
    expect(days).toEqual(['2026-06-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z']);
    expect(days.every((d) => at(d).getUTCDay() === 1 && at(d).getUTCDate() === 1)).toBe(true);
  });

  it('finds 29 February in the next leap year', () => {
    expect(occurrences(new CronSchedule('0 12 29 2 *', 'UTC'), '2026-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z']);
  });

  it('runs a schedule without a time zone in UTC', () => {
    const schedule = summaryScheduleSchema.parse({ channel: 'C0POSTURE1', cron: '0 9 * * 1' });
    expect(schedule.timezone).toBe('UTC');
    expect(occurrences(new CronSchedule(schedule.cron, schedule.timezone), '2026-03-20T00:00:00Z', 3)).toEqual([
      '2026-03-23T09:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
      '2026-04-06T09:00:00.000Z',
    ]);
  });
});
