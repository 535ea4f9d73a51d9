import type { BackupRule, BackupSelection, ConditionParameter } from '@aws-sdk/client-backup';
import { matchesWildcard } from '../../aws/inventories/iamPolicyDocument';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type Tags = Readonly<Record<string, string>>;

/** AWS Backup's wildcard: `*` stands for any run of characters; the rest is literal and case-sensitive. */
export function wildcardMatches(pattern: string, value: string): boolean {
  return matchesWildcard(pattern, value, { anyCharactersOnly: true });
}

/** `aws:ResourceTag/backup` and `backup` both name the tag `backup`. */
const tagKey = (conditionKey: string | undefined) => (conditionKey ?? '').replace(/^aws:ResourceTag\//, '');

function conditionsOf(selection: BackupSelection): Array<{ holds: (tags: Tags) => boolean }> {
  const c = selection.Conditions ?? {};
  const value = (p: ConditionParameter, tags: Tags): string | undefined => tags[tagKey(p.ConditionKey)];
  // As in IAM, a negated operator holds for a resource without the tag.
  return [
    ...(c.StringEquals ?? []).map((p) => ({ holds: (t: Tags) => value(p, t) === p.ConditionValue })),
    ...(c.StringNotEquals ?? []).map((p) => ({ holds: (t: Tags) => value(p, t) !== p.ConditionValue })),
    ...(c.StringLike ?? []).map((p) => ({ holds: (t: Tags) => matchesTag(value(p, t), p.ConditionValue) })),
    ...(c.StringNotLike ?? []).map((p) => ({ holds: (t: Tags) => !matchesTag(value(p, t), p.ConditionValue) })),
  ];
}

const matchesTag = (actual: string | undefined, pattern: string | undefined) => actual !== undefined && wildcardMatches(pattern ?? '', actual);

/** True when whether the selection picks a resource depends on the resource's tags. */
export function selectsByTags(selection: BackupSelection): boolean {
  return (selection.ListOfTags ?? []).length > 0 || conditionsOf(selection).length > 0;
}

/**
 * Whether an AWS Backup resource selection assigns the resource to its plan, as AWS Backup
 * combines the fields: the resources listed (all, when the selection lists neither resources
 * nor tags) that meet every condition, or that carry one of `ListOfTags`, minus `NotResources`.
 * Opt-in settings, the role and the vault are not judged here: the resource's recovery points
 * show whether the assignment works.
 */
export function selectsResource(selection: BackupSelection, arn: string, tags: Tags): boolean {
  if ((selection.NotResources ?? []).some((pattern) => wildcardMatches(pattern, arn))) return false;
  const listOfTags = selection.ListOfTags ?? [];
  const tagged = listOfTags.some((c) => c.ConditionType === 'STRINGEQUALS' && tags[tagKey(c.ConditionKey)] === c.ConditionValue);
  const resources = selection.Resources ?? [];
  const listed = resources.length > 0 ? resources.some((pattern) => wildcardMatches(pattern, arn)) : listOfTags.length === 0;
  return tagged || (listed && conditionsOf(selection).every((c) => c.holds(tags)));
}

/** AWS Backup's schedule for a rule without one. */
const DEFAULT_SCHEDULE = 'cron(0 5 ? * * *)';
/** AWS Backup's start window for a rule without one: a job may start this long after its scheduled time. */
const DEFAULT_START_WINDOW_MINUTES = 480;
/** Time for a started backup job to finish and show up as the resource's latest backup. */
const JOB_SLACK_MS = DAY_MS;

const restricted = (field: string | undefined) => field !== undefined && field !== '*' && field !== '?';

/**
 * The longest gap, in days, between two runs of an AWS cron schedule (minutes hours
 * day-of-month month day-of-week year), rounded up to whole days: a rule that runs several
 * times a day is held to one day. A schedule limited to some months or years is held to a year.
 */
export function longestGapDays(scheduleExpression: string): number {
  const fields = /^cron\((.*)\)$/.exec(scheduleExpression.trim())?.[1].trim().split(/\s+/) ?? [];
  const [, , dayOfMonth, month, dayOfWeek, year] = fields;
  if (fields.length !== 6 || restricted(month) || restricted(year)) return 366;
  if (restricted(dayOfMonth)) {
    // A day past the 28th skips the months without it; `W` moves the day to the nearest weekday.
    const days = dayOfMonth.match(/\d+/g)?.map(Number) ?? [];
    return (days.some((d) => d > 28) ? 62 : 31) + (dayOfMonth.includes('W') ? 2 : 0);
  }
  // `2#1` (first Monday) and `6L` (last Friday) run once a month.
  if (restricted(dayOfWeek)) return /[#L]/.test(dayOfWeek) ? 35 : 7;
  return 1;
}

/**
 * How old a resource's latest recovery point may be while the rule is still backing it up:
 * the longest gap between two scheduled runs, plus the rule's start window, plus a day for
 * the job to complete. An older one shows that the rule's backups are not happening.
 */
export function allowedBackupAgeMs(rule: BackupRule): number {
  const startWindowMs = (rule.StartWindowMinutes ?? DEFAULT_START_WINDOW_MINUTES) * 60_000;
  return longestGapDays(rule.ScheduleExpression ?? DEFAULT_SCHEDULE) * DAY_MS + startWindowMs + JOB_SLACK_MS;
}
