import {
  BackupClient,
  CreateBackupPlanCommand,
  ListBackupSelectionsCommand,
  ListProtectedResourcesCommand,
  ListRestoreJobsCommand,
  ListRestoreTestingPlansCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { backupChecks } from '../../../src/checks/backup';
import { backupPlansProtectResources } from '../../../src/checks/backup/backupPlans';
import { backupRestoreTested } from '../../../src/checks/backup/restoreTests';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

describe('backup checks', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function plan(name: string): Promise<{ id: string; arn: string }> {
    const created = await aws.client(BackupClient, 'us-east-1').send(
      new CreateBackupPlanCommand({
        BackupPlan: { BackupPlanName: name, Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'Default', ScheduleExpression: 'cron(0 5 ? * * *)' }] },
      }),
    );
    return { id: created.BackupPlanId!, arn: created.BackupPlanArn! };
  }

  it('backup_plans_protect_resources: FAIL without plans, FAIL a plan with no selection, PASS a complete plan', async () => {
    const none = await scanChecks([backupPlansProtectResources], { regions: ['us-east-1', 'eu-west-1'] });
    expect(none.results.map((r) => [r.region, r.status])).toEqual([
      ['us-east-1', 'FAIL'],
      ['eu-west-1', 'FAIL'],
    ]);
    // Plans and rules live in moto; moto has no backup selections or protected resources, so those are stubbed.
    const complete = await plan('production');
    const empty = await plan('forgotten');
    const unreadable = await plan('restricted');
    const mock = mockClient(BackupClient);
    mock.send.callThrough();
    mock.on(ListBackupSelectionsCommand, { BackupPlanId: complete.id }).resolves({
      BackupSelectionsList: [{ SelectionId: 'sel-1', SelectionName: 'prod', BackupPlanId: complete.id, IamRoleArn: 'arn:aws:iam::123456789012:role/backup' }],
    });
    mock.on(ListBackupSelectionsCommand, { BackupPlanId: empty.id }).resolves({ BackupSelectionsList: [] });
    mock
      .on(ListBackupSelectionsCommand, { BackupPlanId: unreadable.id })
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    mock.on(ListProtectedResourcesCommand).resolves({
      Results: [{ ResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', ResourceType: 'DynamoDB' }],
    });
    try {
      const report = await scanChecks([backupPlansProtectResources]);
      const good = resultFor(report, 'backup_plans_protect_resources', complete.arn);
      expect(good.status).toBe('PASS');
      expect(good.message).toContain('1 resource(s) in us-east-1 have recovery points');
      const emptyResult = resultFor(report, 'backup_plans_protect_resources', empty.arn);
      expect(emptyResult.status).toBe('FAIL');
      expect(emptyResult.message).toContain('no resource selection');
      // One unreadable plan is an ERROR for that plan only.
      const unreadableResult = resultFor(report, 'backup_plans_protect_resources', unreadable.arn);
      expect(unreadableResult.status).toBe('ERROR');
      expect(unreadableResult.message).toContain('access denied');
    } finally {
      mock.restore();
    }
  });

  describe('backup_restore_tested (restore jobs and testing plans mocked: moto lacks them)', () => {
    const now = new Date('2026-11-23T00:00:00Z');
    let mock: ReturnType<typeof mockClient>;
    beforeEach(() => {
      mock = mockClient(BackupClient);
    });
    afterEach(() => mock.restore());

    it('fails with no recent restore and no restore testing plan', async () => {
      mock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
      mock.on(ListRestoreTestingPlansCommand).resolves({ RestoreTestingPlans: [] });
      const result = (await scanChecks([backupRestoreTested], { now: () => now })).results[0];
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('last 365 days');
      const input = mock.commandCalls(ListRestoreJobsCommand)[0].args[0].input;
      expect(input).toMatchObject({ ByStatus: 'COMPLETED', ByCompleteAfter: new Date('2025-11-23T00:00:00Z') });
    });

    it('passes with a completed restore job inside the window, naming its date', async () => {
      mock.on(ListRestoreJobsCommand).resolves({
        RestoreJobs: [{ RestoreJobId: 'r-1', Status: 'COMPLETED', CompletionDate: new Date('2026-06-02T10:00:00Z'), CreationDate: new Date('2026-06-02T09:00:00Z') }],
      });
      mock.on(ListRestoreTestingPlansCommand).resolves({ RestoreTestingPlans: [] });
      const result = (await scanChecks([backupRestoreTested], { now: () => now })).results[0];
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('latest 2026-06-02');
    });

    it('passes with a restore testing plan', async () => {
      mock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
      mock.on(ListRestoreTestingPlansCommand).resolves({
        RestoreTestingPlans: [
          {
            RestoreTestingPlanName: 'weekly_restore_test',
            RestoreTestingPlanArn: 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:weekly_restore_test-abc',
            ScheduleExpression: 'cron(0 1 ? * 1 *)',
            CreationTime: new Date('2026-01-01T00:00:00Z'),
          },
        ],
      });
      const result = (await scanChecks([backupRestoreTested], { now: () => now })).results[0];
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('weekly_restore_test');
    });
  });

  it('registers both backup checks', () => {
    expect(backupChecks.map((c) => c.refs).flat().sort()).toEqual(['FTR-8.1', 'FTR-8.2']);
  });
});
