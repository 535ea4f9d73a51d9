import {
  BackupClient,
  CreateBackupPlanCommand,
  GetBackupSelectionCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListProtectedResourcesCommand,
  ListRestoreJobsCommand,
  ListRestoreTestingPlansCommand,
  ListRestoreTestingSelectionsCommand,
  type BackupSelection,
  type RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { DLMClient, GetLifecyclePoliciesCommand, GetLifecyclePolicyCommand, type LifecyclePolicy, type LifecyclePolicySummary } from '@aws-sdk/client-dlm';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, UpdateContinuousBackupsCommand, type Tag } from '@aws-sdk/client-dynamodb';
import { CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutBucketReplicationCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { backupChecks } from '../../../src/checks/backup';
import { backupPlansProtectResources } from '../../../src/checks/backup/backupPlans';
import { backupRestoreTested } from '../../../src/checks/backup/restoreTests';
import { ebsVolumeEncrypted } from '../../../src/checks/dataprotection/ebsVolumeEncryption';
import { efsEncrypted } from '../../../src/checks/dataprotection/efsEncryption';
import { rdsStorageEncrypted } from '../../../src/checks/dataprotection/rdsStorageEncryption';
import type { ScanReport } from '../../../src/engine/scan';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PLANS = backupPlansProtectResources.id;
const RESTORES = backupRestoreTested.id;
const NOW = new Date('2026-11-23T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
const tableArn = (name: string, region = 'us-east-1') => `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${name}`;
const volumeArn = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:volume/${id}`;
const password = 'password123';

async function table(aws: AwsAccess, name: string, options: { pitr?: boolean; tags?: Tag[]; region?: string } = {}): Promise<string> {
  const dynamodb = aws.client(DynamoDBClient, options.region ?? 'us-east-1');
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      Tags: options.tags,
    }),
  );
  if (options.pitr) await dynamodb.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  return tableArn(name, options.region);
}

describe('backup_plans_protect_resources against moto, without AWS Backup stubs', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  const scan = (regions = REGIONS) => scanChecks([backupPlansProtectResources], { aws, regions, now: () => NOW });

  it('passes a table with point-in-time recovery and fails one without, where no AWS Backup plan exists', async () => {
    const guarded = await table(aws, 'orders', { pitr: true });
    const bare = await table(aws, 'sessions');
    const report = await scan();
    const pass = resultFor(report, PLANS, guarded, 'us-east-1');
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe('DynamoDB table orders is backed up automatically by point-in-time recovery.');
    const fail = resultFor(report, PLANS, bare, 'us-east-1');
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('Nothing backs up DynamoDB table sessions automatically: no AWS Backup plan selects it, and point-in-time recovery is off.');
    const empty = resultFor(report, PLANS, 'account', 'eu-west-1');
    expect(empty.status).toBe('NOT_APPLICABLE');
    // No plan in the region: recovery points are not asked for (moto cannot answer them).
    expect(report.summary.awsRequests.byOperation['backup:ListProtectedResources']).toBeUndefined();
  });

  it('judges RDS instances by their retention, cluster members by their cluster, and read replicas by their source', async () => {
    const rds = aws.client(RDSClient, 'us-east-1');
    const instance = (id: string, retention: number) =>
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBInstanceClass: 'db.t3.micro',
          Engine: 'mysql',
          MasterUsername: 'admin',
          MasterUserPassword: password,
          AllocatedStorage: 20,
          BackupRetentionPeriod: retention,
        }),
      );
    await instance('orders', 7);
    await instance('scratch', 0);
    await rds.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'scratch-replica', SourceDBInstanceIdentifier: 'scratch' }));
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-postgresql', MasterUsername: 'admin', MasterUserPassword: password }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger-1', DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql', DBClusterIdentifier: 'ledger' }));
    const report = await scan(['us-east-1']);
    const arn = (kind: string, id: string) => `arn:aws:rds:us-east-1:${ACCOUNT_ID}:${kind}:${id}`;
    expect(resultFor(report, PLANS, arn('db', 'orders')).message).toBe('DB instance orders (mysql) is backed up automatically by RDS automated backups kept 7 day(s).');
    const scratch = resultFor(report, PLANS, arn('db', 'scratch'));
    expect(scratch.status).toBe('FAIL');
    expect(scratch.message).toContain('RDS automated backups are off (retention 0 days)');
    // Without backups of its own, a replica's data is its source's, judged with the source.
    const replica = resultFor(report, PLANS, arn('db', 'scratch-replica'));
    expect(replica.status).toBe('NOT_APPLICABLE');
    expect(replica.message).toBe('DB instance scratch-replica (mysql) is a read replica of scratch, so its data is backed up with its source.');
    expect(resultFor(report, PLANS, arn('cluster', 'ledger')).status).toBe('PASS');
    expect(report.results.filter((r) => r.resource === arn('db', 'ledger-1'))).toEqual([]);
  });

  it('counts EFS automatic backups and S3 replication, needs nothing for an empty bucket, and judges buckets outside the scanned regions', async () => {
    const efs = aws.client(EFSClient, 'us-east-1');
    const automatic = await efs.send(new CreateFileSystemCommand({ CreationToken: 'automatic', Backup: true }));
    const manual = await efs.send(new CreateFileSystemCommand({ CreationToken: 'manual' }));
    const s3 = aws.client(S3Client, 'us-east-1');
    for (const Bucket of ['replicated', 'unprotected', 'empty']) await s3.send(new CreateBucketCommand({ Bucket }));
    const s3eu = aws.client(S3Client, 'eu-west-1');
    await s3eu.send(new CreateBucketCommand({ Bucket: 'far-away', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    for (const [client, Bucket] of [[s3, 'replicated'], [s3, 'unprotected'], [s3eu, 'far-away']] as const) {
      await client.send(new PutObjectCommand({ Bucket, Key: 'data.json', Body: '{}' }));
    }
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'replicated', VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: 'replicated',
        ReplicationConfiguration: {
          Role: `arn:aws:iam::${ACCOUNT_ID}:role/replication`,
          Rules: [{ ID: 'all', Status: 'Enabled', Priority: 1, Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::vault' } }],
        },
      }),
    );
    const report = await scan(['us-east-1']);
    expect(resultFor(report, PLANS, automatic.FileSystemArn!).message).toBe(`EFS file system ${automatic.FileSystemId} is backed up automatically by EFS automatic backups.`);
    const fs = resultFor(report, PLANS, manual.FileSystemArn!);
    expect(fs.status).toBe('FAIL');
    expect(fs.message).toContain('EFS automatic backups are off');
    expect(resultFor(report, PLANS, 'arn:aws:s3:::replicated').message).toBe('S3 bucket replicated is backed up automatically by replication to arn:aws:s3:::vault.');
    expect(resultFor(report, PLANS, 'arn:aws:s3:::unprotected').message).toBe(
      'Nothing backs up S3 bucket unprotected automatically: no AWS Backup plan selects it, and it is not replicated.',
    );
    expect(resultFor(report, PLANS, 'arn:aws:s3:::empty').status).toBe('NOT_APPLICABLE');
    const far = resultFor(report, PLANS, 'arn:aws:s3:::far-away', 'eu-west-1');
    expect(far.status).toBe('FAIL');
  });

  it('names the kind of store a region cannot list, and still judges the others', async () => {
    const bucket = 'kept';
    await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: bucket }));
    const dynamodb = mockClient(DynamoDBClient);
    dynamodb.on(ListTablesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    try {
      const report = await scan(['us-east-1']);
      const region = resultFor(report, PLANS, 'account', 'us-east-1');
      expect(region.status).toBe('ERROR');
      expect(region.message).toMatch(/^The DynamoDB tables \(access denied .*\) of us-east-1 could not be listed, so their backups are not judged\.$/);
      expect(resultFor(report, PLANS, `arn:aws:s3:::${bucket}`).status).toBe('NOT_APPLICABLE');
    } finally {
      dynamodb.restore();
    }
  });

  it('shares the RDS, EBS and EFS lists with the encryption checks: one list call per region', async () => {
    await aws.client(EC2Client, 'us-east-1').send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    const dlm = mockClient(DLMClient);
    dlm.on(GetLifecyclePoliciesCommand).resolves({ Policies: [] });
    try {
      const report = await scanChecks([backupPlansProtectResources, ebsVolumeEncrypted, rdsStorageEncrypted, efsEncrypted], { aws, regions: REGIONS, now: () => NOW });
      const calls = report.summary.awsRequests.byOperation;
      for (const operation of ['ec2:DescribeVolumes', 'rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'efs:DescribeFileSystems']) expect(calls[operation]).toBe(2);
    } finally {
      dlm.restore();
    }
  });
});

/** What moto cannot answer, per region, as the AWS Backup API reference shapes it. */
interface RegionStubs {
  /** Resource ARN → last backup time. */
  recoveryPoints?: Record<string, Date>;
  restoreJobs?: RestoreJobsListMember[];
  /** Restore testing plan name → how many selections it has. */
  testingPlans?: Record<string, number>;
  /** ListBackupPlans / ListRestoreJobs answer access denied in this region. */
  denied?: boolean;
  /** ListProtectedResources answers access denied in this region. */
  recoveryPointsDenied?: boolean;
}

describe('backup checks with AWS Backup selections and recovery points stubbed', () => {
  let aws: AwsAccess;
  let backup: AwsStub<any, any, any>;
  let dlm: AwsStub<any, any, any>;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
    backup = mockClient(BackupClient);
    backup.send.callThrough();
    dlm = mockClient(DLMClient);
  });
  afterEach(() => {
    backup.restore();
    dlm.restore();
    aws.destroy();
  });

  /** Creates a plan in moto with one rule; its selections are stubbed (moto has none). */
  async function plan(name: string, selections: BackupSelection[] | 'denied', schedule = 'cron(0 5 ? * * *)', region = 'us-east-1'): Promise<string> {
    const created = await aws.client(BackupClient, region).send(
      new CreateBackupPlanCommand({ BackupPlan: { BackupPlanName: name, Rules: [{ RuleName: 'scheduled', TargetBackupVaultName: 'Default', ScheduleExpression: schedule }] } }),
    );
    const id = created.BackupPlanId!;
    const reply = backup.on(ListBackupSelectionsCommand, { BackupPlanId: id });
    if (selections === 'denied') {
      reply.rejects(denied());
    } else {
      reply.resolves({
        BackupSelectionsList: selections.map((s, i) => ({ SelectionId: `${id}-sel-${i}`, SelectionName: s.SelectionName, BackupPlanId: id, IamRoleArn: s.IamRoleArn })),
      });
      selections.forEach((s, i) => backup.on(GetBackupSelectionCommand, { BackupPlanId: id, SelectionId: `${id}-sel-${i}` }).resolves({ BackupSelection: s, BackupPlanId: id }));
    }
    return created.BackupPlanArn!;
  }

  const selection = (fields: Partial<BackupSelection>): BackupSelection => ({ SelectionName: 'prod', IamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/backup`, ...fields });

  function stubRegions(stubs: Partial<Record<string, RegionStubs>>) {
    const inRegion = async (getClient: () => { config: { region: () => Promise<string> } }) => stubs[await getClient().config.region()] ?? {};
    backup.on(ListProtectedResourcesCommand).callsFake(async (_input, getClient) => {
      const region = await inRegion(getClient);
      if (region.recoveryPointsDenied) throw denied();
      return {
        Results: Object.entries(region.recoveryPoints ?? {}).map(([ResourceArn, LastBackupTime]) => ({ ResourceArn, LastBackupTime, ResourceType: 'DynamoDB' })),
      };
    });
    backup.on(ListRestoreJobsCommand).callsFake(async (_input, getClient) => {
      const region = await inRegion(getClient);
      if (region.denied) throw denied();
      return { RestoreJobs: region.restoreJobs ?? [] };
    });
    backup.on(ListRestoreTestingPlansCommand).callsFake(async (_input, getClient) => ({
      RestoreTestingPlans: Object.keys((await inRegion(getClient)).testingPlans ?? {}).map((name) => ({
        RestoreTestingPlanName: name,
        RestoreTestingPlanArn: `arn:aws:backup:us-east-1:${ACCOUNT_ID}:restore-testing-plan:${name}-abc`,
        ScheduleExpression: 'cron(0 1 ? * 1 *)',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
      })),
    }));
    backup.on(ListRestoreTestingSelectionsCommand).callsFake(async (input: { RestoreTestingPlanName: string }, getClient) => {
      const count = (await inRegion(getClient)).testingPlans?.[input.RestoreTestingPlanName] ?? 0;
      return {
        RestoreTestingSelections: Array.from({ length: count }, (_, i) => ({
          RestoreTestingPlanName: input.RestoreTestingPlanName,
          RestoreTestingSelectionName: `selection_${i}`,
          ProtectedResourceType: 'DynamoDB',
          IamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/restore`,
          CreationTime: new Date('2026-01-01T00:00:00Z'),
        })),
      };
    });
    // Plans are moto's; a test with a denying region creates none, so the others list an empty set.
    if (Object.values(stubs).some((stub) => stub?.denied)) {
      backup.on(ListBackupPlansCommand).callsFake(async (_input, getClient) => {
        if ((await inRegion(getClient)).denied) throw denied();
        return { BackupPlansList: [] };
      });
    }
  }

  const scan = (checks = backupChecks): Promise<ScanReport> => scanChecks(checks, { aws, regions: REGIONS, now: () => NOW });

  describe('backup_plans_protect_resources', () => {
    it('counts a plan only for the stores its selection assigns, and only while their recovery points are as recent as its schedule', async () => {
      await plan('production', [
        selection({
          Resources: ['arn:aws:dynamodb:*:*:table/*'],
          NotResources: ['arn:aws:dynamodb:*:*:table/scratch'],
          Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'yes' }] },
        }),
      ]);
      const tagged = [{ Key: 'backup', Value: 'yes' }];
      const orders = await table(aws, 'orders', { tags: tagged });
      const legacy = await table(aws, 'legacy', { tags: tagged });
      const fresh = await table(aws, 'fresh', { tags: tagged });
      const scratch = await table(aws, 'scratch', { tags: tagged });
      const untagged = await table(aws, 'untagged');
      const both = await table(aws, 'both', { tags: tagged, pitr: true });
      stubRegions({ 'us-east-1': { recoveryPoints: { [orders]: daysAgo(1), [legacy]: daysAgo(10), [scratch]: daysAgo(1), [untagged]: daysAgo(1), [both]: daysAgo(1) } } });
      const report = await scan([backupPlansProtectResources]);

      expect(resultFor(report, PLANS, orders).message).toBe('DynamoDB table orders is backed up automatically by AWS Backup plan production (latest recovery point 2026-11-22).');
      const stale = resultFor(report, PLANS, legacy);
      expect(stale.status).toBe('FAIL');
      expect(stale.message).toBe(
        "Nothing backs up DynamoDB table legacy automatically: AWS Backup plan production selects it but its latest recovery point, from 2026-11-13, is older than the plan's schedule allows, and point-in-time recovery is off.",
      );
      expect(resultFor(report, PLANS, fresh).message).toContain('AWS Backup plan production selects it but it has no recovery point');
      // Excluded by NotResources, or missing the tag: a recovery point (an on-demand backup) is not automation.
      for (const arn of [scratch, untagged]) expect(resultFor(report, PLANS, arn).message).toContain('no AWS Backup plan selects it');
      expect(resultFor(report, PLANS, both).message).toBe(
        'DynamoDB table both is backed up automatically by point-in-time recovery and by AWS Backup plan production (latest recovery point 2026-11-22).',
      );
    });

    it('holds a weekly plan to a week, not to a day', async () => {
      await plan('weekly', [selection({ Resources: ['*'] })], 'cron(0 5 ? * SUN *)');
      const orders = await table(aws, 'orders');
      stubRegions({ 'us-east-1': { recoveryPoints: { [orders]: daysAgo(6) } } });
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, orders).status).toBe('PASS');
    });

    it('selects by ListOfTags and by resource type across services', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const volume = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }))).VolumeId!;
      dlm.on(GetLifecyclePoliciesCommand).resolves({ Policies: [] });
      await plan('volumes', [
        selection({ Resources: ['arn:aws:ec2:*:*:volume/*'], ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'tier', ConditionValue: 'gold' }] }),
      ]);
      const gold = await table(aws, 'gold', { tags: [{ Key: 'tier', Value: 'gold' }] });
      const silver = await table(aws, 'silver', { tags: [{ Key: 'tier', Value: 'silver' }] });
      stubRegions({ 'us-east-1': { recoveryPoints: { [volumeArn(volume)]: daysAgo(1), [gold]: daysAgo(1), [silver]: daysAgo(1) } } });
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, volumeArn(volume)).status).toBe('PASS');
      expect(resultFor(report, PLANS, gold).status).toBe('PASS');
      expect(resultFor(report, PLANS, silver).status).toBe('FAIL');
    });

    it('is an ERROR only for stores that nothing else protects when a selection or the recovery points cannot be read', async () => {
      await plan('restricted', 'denied');
      const guarded = await table(aws, 'guarded', { pitr: true });
      const bare = await table(aws, 'bare');
      stubRegions({});
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, guarded).status).toBe('PASS');
      const unknown = resultFor(report, PLANS, bare);
      expect(unknown.status).toBe('ERROR');
      expect(unknown.message).toMatch(/^Whether DynamoDB table bare is backed up automatically is unknown: AWS Backup plan restricted could not be read \(access denied/);
    });

    it('is an ERROR for a store a plan selects when its recovery points cannot be read', async () => {
      await plan('production', [selection({ Resources: ['*'] })]);
      const orders = await table(aws, 'orders');
      stubRegions({ 'us-east-1': { recoveryPointsDenied: true } });
      const report = await scan([backupPlansProtectResources]);
      const result = resultFor(report, PLANS, orders);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('the recovery points of AWS Backup plan production could not be read');
    });

    it('reports a region whose plans cannot be listed on its stores, not as a pass', async () => {
      const guarded = await table(aws, 'guarded', { pitr: true, region: 'eu-west-1' });
      const bare = await table(aws, 'bare', { region: 'eu-west-1' });
      stubRegions({ 'eu-west-1': { denied: true } });
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, guarded, 'eu-west-1').status).toBe('PASS');
      const unknown = resultFor(report, PLANS, bare, 'eu-west-1');
      expect(unknown.status).toBe('ERROR');
      expect(unknown.message).toContain('the AWS Backup plans could not be read');
    });

    it('counts EBS volumes targeted by an enabled Data Lifecycle Manager snapshot policy', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const create = async (tags: Record<string, string>, VolumeType: 'gp2' | 'gp3' = 'gp3') =>
        (
          await ec2.send(
            new CreateVolumeCommand({
              AvailabilityZone: 'us-east-1a',
              Size: 1,
              VolumeType,
              TagSpecifications: Object.keys(tags).length > 0 ? [{ ResourceType: 'volume', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] : undefined,
            }),
          )
        ).VolumeId!;
      const daily = await create({ snapshot: 'daily' });
      const disabledTarget = await create({ snapshot: 'never' });
      const amiOnly = await create({ snapshot: 'ami' });
      const untagged = await create({});
      const summaries: LifecyclePolicySummary[] = [
        { PolicyId: 'policy-daily', Description: 'daily snapshots', State: 'ENABLED', PolicyType: 'EBS_SNAPSHOT_MANAGEMENT', DefaultPolicy: false },
        { PolicyId: 'policy-ami', State: 'ENABLED', PolicyType: 'IMAGE_MANAGEMENT', DefaultPolicy: false },
        { PolicyId: 'policy-off', State: 'DISABLED', PolicyType: 'EBS_SNAPSHOT_MANAGEMENT', DefaultPolicy: false },
      ];
      const policy = (PolicyId: string, tag: string): LifecyclePolicy => ({
        PolicyId,
        State: 'ENABLED',
        PolicyDetails: {
          PolicyType: 'EBS_SNAPSHOT_MANAGEMENT',
          ResourceTypes: ['VOLUME'],
          TargetTags: [{ Key: 'snapshot', Value: tag }],
          Schedules: [{ Name: 'daily', CreateRule: { Interval: 24, IntervalUnit: 'HOURS', Times: ['03:00'] }, RetainRule: { Count: 7 } }],
        },
      });
      dlm.on(GetLifecyclePoliciesCommand).resolves({ Policies: summaries });
      dlm.on(GetLifecyclePolicyCommand, { PolicyId: 'policy-daily' }).resolves({ Policy: policy('policy-daily', 'daily') });
      dlm.on(GetLifecyclePolicyCommand, { PolicyId: 'policy-off' }).resolves({ Policy: { ...policy('policy-off', 'never'), State: 'DISABLED' } });
      dlm.on(GetLifecyclePolicyCommand, { PolicyId: 'policy-ami' }).resolves({ Policy: policy('policy-ami', 'ami') });
      stubRegions({});
      const report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, volumeArn(daily)).message).toBe(
        `EBS volume ${daily} is backed up automatically by Data Lifecycle Manager policy policy-daily (daily snapshots).`,
      );
      for (const id of [disabledTarget, amiOnly, untagged]) {
        const result = resultFor(report, PLANS, volumeArn(id));
        expect(result.status).toBe('FAIL');
        expect(result.message).toContain('no enabled Data Lifecycle Manager policy snapshots it');
      }
    });

    it('counts a default Data Lifecycle Manager policy for every volume its exclusions leave in, and is an ERROR when policies cannot be read', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const gp3 = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1, VolumeType: 'gp3' }))).VolumeId!;
      const gp2 = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1, VolumeType: 'gp2' }))).VolumeId!;
      dlm.on(GetLifecyclePoliciesCommand).resolves({ Policies: [{ PolicyId: 'policy-default', State: 'ENABLED', PolicyType: 'EBS_SNAPSHOT_MANAGEMENT', DefaultPolicy: true }] });
      dlm.on(GetLifecyclePolicyCommand, { PolicyId: 'policy-default' }).resolves({
        Policy: { PolicyId: 'policy-default', State: 'ENABLED', PolicyDetails: { PolicyLanguage: 'SIMPLIFIED', ResourceType: 'VOLUME', CreateInterval: 1, Exclusions: { ExcludeVolumeTypes: ['gp2'] } } },
      });
      stubRegions({});
      let report = await scan([backupPlansProtectResources]);
      expect(resultFor(report, PLANS, volumeArn(gp3)).status).toBe('PASS');
      expect(resultFor(report, PLANS, volumeArn(gp2)).status).toBe('FAIL');

      dlm.reset();
      dlm.on(GetLifecyclePoliciesCommand).rejects(denied());
      report = await scan([backupPlansProtectResources]);
      const unknown = resultFor(report, PLANS, volumeArn(gp3));
      expect(unknown.status).toBe('ERROR');
      expect(unknown.message).toContain('its Data Lifecycle Manager policies could not be read (access denied');
    });
  });

  describe('backup_restore_tested', () => {
    it('fails the account with no restore test anywhere, saying what to record instead', async () => {
      stubRegions({});
      const report = await scan([backupRestoreTested]);
      for (const region of REGIONS) expect(resultFor(report, RESTORES, 'account', region).status).toBe('NOT_APPLICABLE');
      const account = resultFor(report, RESTORES, 'account', 'global');
      expect(account.status).toBe('FAIL');
      expect(account.message).toContain('in the 2 scanned region(s)');
      expect(account.message).toContain('attestation');
      const input = backup.commandCalls(ListRestoreJobsCommand)[0].args[0].input;
      expect(input).toMatchObject({ ByStatus: 'COMPLETED', ByCompleteAfter: new Date('2025-11-23T12:00:00Z') });
    });

    it('does not count a restore testing plan where there is nothing to restore, or one that selects nothing', async () => {
      stubRegions({
        'us-east-1': { testingPlans: { weekly_restore_test: 1 } },
        'eu-west-1': { testingPlans: { unselected: 0 }, recoveryPoints: { [tableArn('orders', 'eu-west-1')]: daysAgo(1) } },
      });
      const report = await scan([backupRestoreTested]);
      const idle = resultFor(report, RESTORES, 'account', 'us-east-1');
      expect(idle.status).toBe('NOT_APPLICABLE');
      expect(idle.message).toBe(
        'No resource in us-east-1 has an AWS Backup recovery point, so there is nothing to restore-test here; restore testing plan(s) weekly_restore_test have nothing to restore.',
      );
      const untested = resultFor(report, RESTORES, 'account', 'eu-west-1');
      expect(untested.status).toBe('FAIL');
      expect(untested.message).toBe(
        '1 resource(s) in eu-west-1 have AWS Backup recovery points, but no restore job completed in the last 365 days and no restore testing plan restores them; restore testing plan(s) unselected select no resource.',
      );
      expect(resultFor(report, RESTORES, 'account', 'global').status).toBe('FAIL');
    });

    it('passes a restore testing plan with a selection where recovery points exist', async () => {
      stubRegions({ 'eu-west-1': { testingPlans: { weekly_restore_test: 1 }, recoveryPoints: { [tableArn('orders', 'eu-west-1')]: daysAgo(1) } } });
      const report = await scan([backupRestoreTested]);
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

    it('is an ERROR where restore jobs or recovery points cannot be read', async () => {
      stubRegions({ 'eu-west-1': { denied: true }, 'us-east-1': { recoveryPointsDenied: true, testingPlans: { weekly_restore_test: 1 } } });
      const report = await scan([backupRestoreTested]);
      expect(resultFor(report, RESTORES, 'account', 'eu-west-1').status).toBe('ERROR');
      const us = resultFor(report, RESTORES, 'account', 'us-east-1');
      expect(us.status).toBe('ERROR');
      expect(us.message).toContain('its AWS Backup recovery points could not be read');
      const account = resultFor(report, RESTORES, 'account', 'global');
      expect(account.status).toBe('ERROR');
      expect(account.message).toContain('the recovery points of us-east-1');
    });
  });

  it('registers both backup checks', () => {
    expect(backupChecks.map((c) => c.refs).flat().sort()).toEqual(['FTR-8.1', 'FTR-8.2']);
  });
});
