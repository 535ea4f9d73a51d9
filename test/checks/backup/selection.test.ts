import type { BackupSelection } from '@aws-sdk/client-backup';
import { allowedBackupAgeMs, longestGapDays, selectsResource, wildcardMatches } from '../../../src/checks/backup/selection';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const VOLUME = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-1';
const DAY_MS = 86_400_000;
const selection = (fields: Omit<BackupSelection, 'SelectionName' | 'IamRoleArn'>): BackupSelection => ({
  SelectionName: 'prod',
  IamRoleArn: 'arn:aws:iam::123456789012:role/backup',
  ...fields,
});

describe('AWS Backup resource selections', () => {
  it('matches ARNs with * wildcards only, case-sensitively', () => {
    expect(wildcardMatches('arn:aws:dynamodb:*:*:table/*', TABLE)).toBe(true);
    expect(wildcardMatches('*', TABLE)).toBe(true);
    expect(wildcardMatches('arn:aws:dynamodb:*:*:table/Orders', TABLE)).toBe(false);
    // A dot or a question mark is literal, not a regular-expression or single-character wildcard.
    expect(wildcardMatches('arn:aws:dynamodb:us-east-1:123456789012:table/order?', TABLE)).toBe(false);
    expect(wildcardMatches('arn.aws:dynamodb:*', TABLE)).toBe(false);
  });

  it('selects by resource list, by resource type wildcard, or everything when nothing narrows it', () => {
    expect(selectsResource(selection({ Resources: [TABLE] }), TABLE, {})).toBe(true);
    expect(selectsResource(selection({ Resources: ['arn:aws:dynamodb:*:*:table/*'] }), VOLUME, {})).toBe(false);
    expect(selectsResource(selection({ Resources: ['*'] }), VOLUME, {})).toBe(true);
    expect(selectsResource(selection({}), VOLUME, {})).toBe(true);
  });

  it('removes NotResources, even from a tag match', () => {
    const sel = selection({ Resources: ['*'], NotResources: ['arn:aws:ec2:*:*:volume/*'] });
    expect(selectsResource(sel, VOLUME, {})).toBe(false);
    expect(selectsResource(sel, TABLE, {})).toBe(true);
    const byTag = selection({ ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'yes' }], NotResources: [VOLUME] });
    expect(selectsResource(byTag, VOLUME, { backup: 'yes' })).toBe(false);
  });

  it('narrows the listed resources by every condition (AND)', () => {
    const sel = selection({
      Resources: ['arn:aws:dynamodb:*:*:table/*'],
      Conditions: {
        StringEquals: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'yes' }],
        StringLike: [{ ConditionKey: 'aws:ResourceTag/stage', ConditionValue: 'prod*' }],
      },
    });
    expect(selectsResource(sel, TABLE, { backup: 'yes', stage: 'production' })).toBe(true);
    expect(selectsResource(sel, TABLE, { backup: 'yes', stage: 'dev' })).toBe(false);
    expect(selectsResource(sel, TABLE, { backup: 'yes' })).toBe(false);
    expect(selectsResource(sel, TABLE, { backup: 'no', stage: 'prod' })).toBe(false);
  });

  it('treats negated conditions as IAM does: a resource without the tag meets them', () => {
    const sel = selection({ Resources: ['*'], Conditions: { StringNotEquals: [{ ConditionKey: 'aws:ResourceTag/stage', ConditionValue: 'dev' }] } });
    expect(selectsResource(sel, TABLE, {})).toBe(true);
    expect(selectsResource(sel, TABLE, { stage: 'dev' })).toBe(false);
    const notLike = selection({ Conditions: { StringNotLike: [{ ConditionKey: 'aws:ResourceTag/stage', ConditionValue: 'dev*' }] } });
    expect(selectsResource(notLike, TABLE, { stage: 'development' })).toBe(false);
    expect(selectsResource(notLike, TABLE, { stage: 'prod' })).toBe(true);
  });

  it('selects by any one of ListOfTags (OR), alongside the listed resources, and by nothing else', () => {
    const sel = selection({
      Resources: ['arn:aws:ec2:*:*:volume/*'],
      ListOfTags: [
        { ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'yes' },
        { ConditionType: 'STRINGEQUALS', ConditionKey: 'aws:ResourceTag/tier', ConditionValue: 'gold' },
      ],
    });
    expect(selectsResource(sel, VOLUME, {})).toBe(true);
    expect(selectsResource(sel, TABLE, { tier: 'gold' })).toBe(true);
    expect(selectsResource(sel, TABLE, { backup: 'Yes' })).toBe(false);
    // A tag-only selection does not select every resource.
    const tagOnly = selection({ ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'yes' }] });
    expect(selectsResource(tagOnly, TABLE, {})).toBe(false);
  });
});

describe('backup schedules', () => {
  it('bounds the gap between runs of a cron schedule', () => {
    expect(longestGapDays('cron(0 5 ? * * *)')).toBe(1);
    expect(longestGapDays('cron(0 */4 ? * * *)')).toBe(1);
    expect(longestGapDays('cron(0 5 ? * SUN *)')).toBe(7);
    expect(longestGapDays('cron(0 5 ? * 2#1 *)')).toBe(35);
    expect(longestGapDays('cron(0 5 1 * ? *)')).toBe(31);
    // The 31st skips the months without one.
    expect(longestGapDays('cron(0 5 31 * ? *)')).toBe(62);
    expect(longestGapDays('cron(0 5 1 1/3 ? *)')).toBe(366);
  });

  it('allows a recovery point one schedule gap, the start window and a day old', () => {
    expect(allowedBackupAgeMs({ RuleName: 'daily', TargetBackupVaultName: 'Default', ScheduleExpression: 'cron(0 5 ? * * *)' })).toBe(2 * DAY_MS + 8 * 3_600_000);
    expect(allowedBackupAgeMs({ RuleName: 'weekly', TargetBackupVaultName: 'Default', ScheduleExpression: 'cron(0 5 ? * 1 *)', StartWindowMinutes: 60 })).toBe(
      8 * DAY_MS + 3_600_000,
    );
    // A rule without a schedule runs on AWS Backup's default, daily at 05:00 UTC.
    expect(allowedBackupAgeMs({ RuleName: 'default', TargetBackupVaultName: 'Default' })).toBe(2 * DAY_MS + 8 * 3_600_000);
  });
});
