import {
  BackupClient,
  CreateBackupPlanCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListProtectedResourcesCommand,
  ListRestoreJobsCommand,
  ListRestoreTestingPlansCommand,
  type ProtectedResource,
  type RestoreJobsListMember,
  type RestoreTestingPlanForList,
} from '@aws-sdk/client-backup';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { backupChecks } from '../../../src/checks/backup';
import { backupPlansProtectResources } from '../../../src/checks/backup/backupPlans';
import { backupRestoreTested } from '../../../src/checks/backup/restoreTests';
import type { ScanReport } from '../../../src/engine/scan';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PLANS = backupPlansProtectResources.id;
const RESTORES = backupRestoreTested.id;
const NOW = new Date('2026-11-23T00:00:00Z');
const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
const protectedResource = (name: string, region: string): ProtectedResource => ({
  ResourceArn: `arn:aws:dynamodb:${region}:123456789012:table/${name}`,
  ResourceType: 'DynamoDB',
});

/** What moto cannot answer (selections, protected resources, restore jobs, restore testing plans), per region, as the API reference shapes it. */
interface RegionStubs {
  protectedResources?: ProtectedResource[];
  restoreJobs?: RestoreJobsListMember[];
  testingPlans?: RestoreTestingPlanForList[];
  /** ListBackupPlans / ListRestoreJobs answer access denied in this region. */
  denied?: boolean;
}

describe('backup checks', () => {
  let aws: AwsAccess;
  let backup: AwsStub<any, any, any>;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
    backup = mockClient(BackupClient);
    backup.send.callThrough();
  });
  afterEach(() => {
    backup.restore();
    aws.destroy();
  });

  /** Creates a plan with one daily rule in moto; its selections are stubbed (moto has none). */
  async function plan(name: string, selections: number | 'denied', region = 'us-east-1'): Promise<string> {
    const created = await aws.client(BackupClient, region).send(
      new CreateBackupPlanCommand({
        BackupPlan: { BackupPlanName: name, Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'Default', ScheduleExpression: 'cron(0 5 ? * * *)' }] },
      }),
    );
    const id = created.BackupPlanId!;
    const reply = backup.on(ListBackupSelectionsCommand, { BackupPlanId: id });
    if (selections === 'denied') reply.rejects(denied());
    else {
      reply.resolves({
        BackupSelectionsList: Array.from({ length: selections }, (_, i) => ({ SelectionId: `sel-${i}`, SelectionName: `prod-${i}`, BackupPlanId: id, IamRoleArn: 'arn:aws:iam::123456789012:role/backup' })),
      });
    }
    return created.BackupPlanArn!;
  }

  function stubRegions(stubs: Partial<Record<string, RegionStubs>>) {
    const inRegion = async (getClient: () => { config: { region: () => Promise<string> } }) => stubs[await getClient().config.region()] ?? {};
    backup.on(ListProtectedResourcesCommand).callsFake(async (_input, getClient) => ({ Results: (await inRegion(getClient)).protectedResources ?? [] }));
    backup.on(ListRestoreJobsCommand).callsFake(async (_input, getClient) => {
      const region = await inRegion(getClient);
      if (region.denied) throw denied();
      return { RestoreJobs: region.restoreJobs ?? [] };
    });
    backup.on(ListRestoreTestingPlansCommand).callsFake(async (_input, getClient) => ({ RestoreTestingPlans: (await inRegion(getClient)).testingPlans ?? [] }));
    // Plans are moto's; a test with a denying region creates none, so the others list an empty set.
    if (Object.values(stubs).some((stub) => stub?.denied)) {
      backup.on(ListBackupPlansCommand).callsFake(async (_input, getClient) => {
        if ((await inRegion(getClient)).denied) throw denied();
        return { BackupPlansList: [] };
      });
    }
  }

  const scan = (checks = backupChecks): Promise<ScanReport> => scanChecks(checks, { regions: REGIONS, now: () => NOW });

  describe('backup_plans_protect_resources', () => {
    it('fails the account with nothing backed up anywhere, without failing each empty region', async () => {
      stubRegions({});
      const report = await scan([backupPlansProtectResources]);
      for (const region of REGIONS) {
        const result = resultFor(report, PLANS, 'account', region);
        expect(result.status).toBe('NOT_APPLICABLE');
        expect(result.message).toContain(`No AWS Backup plan or protected resource exists in ${region}`);
      }
      const account = resultFor(report, PLANS, 'account', 'global');
      expect(account.status).toBe('FAIL');
      expect(account.message).toContain('in the 2 scanned region(s)');
    });

    it('judges each plan, and passes the account when one region backs up resources automatically', async () => {
      const complete = await plan('production', 1);
      const empty = await plan('forgotten', 0);
      const unreadable = await plan('restricted', 'denied');
      stubRegions({ 'us-east-1': { protectedResources: [protectedResource('orders', 'us-east-1')] } });
      const report = await scan([backupPlansProtectResources]);

      const good = resultFor(report, PLANS, complete);
      expect(good.status).toBe('PASS');
      expect(good.message).toContain('1 resource(s) in us-east-1 have recovery points');
      const emptyResult = resultFor(report, PLANS, empty);
      expect(emptyResult.status).toBe('FAIL');
      expect(emptyResult.message).toContain('no resource selection');
      // One unreadable plan is an ERROR for that plan only.
      const unreadableResult = resultFor(report, PLANS, unreadable);
      expect(unreadableResult.status).toBe('ERROR');
      expect(unreadableResult.message).toContain('access denied');

      const account = resultFor(report, PLANS, 'account', 'global');
      expect(account.status).toBe('PASS');
      expect(account.message).toBe(
        'AWS Backup plans back up resources automatically in us-east-1 (plan production; 1 protected resource(s)); no plan in eu-west-1, so those regions must hold no data needing backup.',
      );
    });

    it('fails recovery points without a plan, and a complete plan that protects nothing', async () => {
      const idle = await plan('idle', 2);
      stubRegions({ 'eu-west-1': { protectedResources: [protectedResource('legacy', 'eu-west-1')] } });
      const report = await scan([backupPlansProtectResources]);
      const idleResult = resultFor(report, PLANS, idle);
      expect(idleResult.status).toBe('FAIL');
      expect(idleResult.message).toContain('no resource in us-east-1 has a recovery point yet');
      const unplanned = resultFor(report, PLANS, 'account', 'eu-west-1');
      expect(unplanned.status).toBe('FAIL');
      expect(unplanned.message).toBe('1 resource(s) in eu-west-1 have recovery points but no AWS Backup plan schedules their backups.');
      expect(resultFor(report, PLANS, 'account', 'global').status).toBe('FAIL');
    });

    it('does not fail the account on a region it could not read', async () => {
      stubRegions({ 'eu-west-1': { denied: true } });
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, 'account', 'eu-west-1').status).toBe('ERROR');
      const account = resultFor(report, PLANS, 'account', 'global');
      expect(account.status).toBe('ERROR');
      expect(account.message).toContain('eu-west-1 (access denied');
    });
  });

  describe('backup_restore_tested', () => {
    it('fails the account with no restore test anywhere, saying what to record instead', async () => {
      stubRegions({});
      const report = await scan([backupRestoreTested]);
      for (const region of REGIONS) expect(resultFor(report, RESTORES, 'account', region).status).toBe('NOT_APPLICABLE');
      const account = resultFor(report, RESTORES, 'account', 'global');
      expect(account.status).toBe('FAIL');
      expect(account.message).toContain('no restore testing plan exists in the 2 scanned region(s)');
      expect(account.message).toContain('attestation');
      const input = backup.commandCalls(ListRestoreJobsCommand)[0].args[0].input;
      expect(input).toMatchObject({ ByStatus: 'COMPLETED', ByCompleteAfter: new Date('2025-11-23T00:00:00Z') });
    });

    it('fails a region with backups but no restore test, and passes the account on a restore testing plan elsewhere', async () => {
      await plan('production', 1);
      stubRegions({
        'eu-west-1': {
          testingPlans: [
            {
              RestoreTestingPlanName: 'weekly_restore_test',
              RestoreTestingPlanArn: 'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:weekly_restore_test-abc',
              ScheduleExpression: 'cron(0 1 ? * 1 *)',
              CreationTime: new Date('2026-01-01T00:00:00Z'),
            },
          ],
        },
      });
      const report = await scan([backupRestoreTested]);
      const untested = resultFor(report, RESTORES, 'account', 'us-east-1');
      expect(untested.status).toBe('FAIL');
      expect(untested.message).toContain('us-east-1 has backups but no restore job completed in the last 365 days');
      expect(resultFor(report, RESTORES, 'account', 'eu-west-1').status).toBe('PASS');
      const account = resultFor(report, RESTORES, 'account', 'global');
      expect(account.status).toBe('PASS');
      expect(account.message).toBe('Restores are tested in eu-west-1 (restore testing plan(s): weekly_restore_test).');
    });

    it('passes with a completed restore job inside the window, naming its date', async () => {
      stubRegions({
        'us-east-1': {
          restoreJobs: [
            { RestoreJobId: 'r-1', Status: 'COMPLETED', CompletionDate: new Date('2026-06-02T10:00:00Z'), CreationDate: new Date('2026-06-02T09:00:00Z') },
            { RestoreJobId: 'r-0', Status: 'COMPLETED', CompletionDate: new Date('2026-03-01T10:00:00Z'), CreationDate: new Date('2026-03-01T09:00:00Z') },
          ],
        },
      });
      const report = await scan([backupRestoreTested]);
      const result = resultFor(report, RESTORES, 'account', 'us-east-1');
      expect(result.status).toBe('PASS');
      expect(result.message).toBe('Restores are tested in us-east-1: 2 restore job(s) completed in the last 365 days (latest 2026-06-02).');
      expect(resultFor(report, RESTORES, 'account', 'global').status).toBe('PASS');
    });

    it('does not fail the account on a region whose restore jobs it could not read', async () => {
      stubRegions({ 'eu-west-1': { denied: true } });
      const report = await scan([backupRestoreTested]);
      expect(resultFor(report, RESTORES, 'account', 'eu-west-1').status).toBe('ERROR');
      expect(resultFor(report, RESTORES, 'account', 'global').status).toBe('ERROR');
    });
  });

  it('registers both backup checks', () => {
    expect(backupChecks.map((c) => c.refs).flat().sort()).toEqual(['FTR-8.1', 'FTR-8.2']);
  });
});
