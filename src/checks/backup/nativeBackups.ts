import { DescribeContinuousBackupsCommand, DynamoDBClient, ListTagsOfResourceCommand, type Tag as DynamoDbTag } from '@aws-sdk/client-dynamodb';
import { DLMClient, GetLifecyclePoliciesCommand, GetLifecyclePolicyCommand, type PolicyDetails, type Tag as DlmTag } from '@aws-sdk/client-dlm';
import type { Volume } from '@aws-sdk/client-ec2';
import { DescribeBackupPolicyCommand, EFSClient } from '@aws-sdk/client-efs';
import { GetBucketReplicationCommand, GetBucketTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError, isErrorNamed } from '../../aws/errors';
import { dynamoDbTables, efsFileSystems, tableArn } from '../../aws/inventories/dataStores';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import { BUCKET_LIST_ACTIONS, s3Buckets, type BucketInfo } from '../../aws/inventories/s3Buckets';
import { defineInventory } from '../../aws/inventory';
import type { CheckContext } from '../../core/types';
import type { Tags } from './selection';

/** Per-resource calls in flight at once in one region. */
const RESOURCE_CONCURRENCY = 16;

export const NATIVE_BACKUP_ACTIONS = [
  ...BUCKET_LIST_ACTIONS,
  'dlm:GetLifecyclePolicies',
  'dlm:GetLifecyclePolicy',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:ListTagsOfResource',
  'elasticfilesystem:DescribeBackupPolicy',
  's3:GetBucketTagging',
  's3:GetReplicationConfiguration',
  's3:ListBucket',
] as const;

/** One answer per key, read with bounded concurrency; a failure concerns its key only. */
async function readEach<T>(keys: readonly string[], read: (key: string) => Promise<T>): Promise<Map<string, Fact<T>>> {
  const limit = pLimit(RESOURCE_CONCURRENCY);
  const facts = await Promise.all(
    keys.map((key) =>
      limit(() => read(key)).then(
        (value): [string, Fact<T>] => [key, { ok: true, value }],
        (err): [string, Fact<T>] => [key, { ok: false, error: describeError(err) }],
      ),
    ),
  );
  return new Map(facts);
}

/** A service's tag list as a key → value map. */
export const tagsOf = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tags =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));

/** Whether point-in-time recovery is on, per table name of the region. */
export const dynamoDbPointInTimeRecovery = defineInventory<Map<string, Fact<boolean>>>('backup.dynamoDbPitr', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(DynamoDBClient, region);
  return readEach(await dynamoDbTables(ctx, region), async (TableName) => {
    const out = await client.send(new DescribeContinuousBackupsCommand({ TableName }));
    const status = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (!status) throw new Error('DescribeContinuousBackups answered without a point-in-time recovery status');
    return status === 'ENABLED';
  });
});

/** The tags of every table of the region, by name; read only where a backup selection goes by tags. */
export const dynamoDbTableTags = defineInventory<Map<string, Fact<Tags>>>('backup.dynamoDbTags', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(DynamoDBClient, region);
  return readEach(await dynamoDbTables(ctx, region), async (name) => {
    const tags: DynamoDbTag[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn(region, ctx.accountId, name), NextToken }));
      tags.push(...(page.Tags ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return tagsOf(tags);
  });
});

/** Whether EFS automatic backups are on, per file system id of the region. */
export const efsAutomaticBackups = defineInventory<Map<string, Fact<boolean>>>('backup.efsAutomaticBackups', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(EFSClient, region);
  const ids = (await efsFileSystems(ctx, region)).flatMap((fs) => (fs.FileSystemId ? [fs.FileSystemId] : []));
  return readEach(ids, async (FileSystemId) => {
    try {
      return (await client.send(new DescribeBackupPolicyCommand({ FileSystemId }))).BackupPolicy?.Status === 'ENABLED';
    } catch (err) {
      // A file system that never had automatic backups has no backup policy at all.
      if (isErrorNamed(err, 'PolicyNotFound')) return false;
      throw err;
    }
  });
});

export interface SnapshotPolicy {
  id: string;
  description?: string;
  /** A default policy snapshots every volume of the region that its exclusions leave in. */
  isDefault: boolean;
  details: Fact<PolicyDetails>;
}

/** The region's enabled Data Lifecycle Manager policies that create EBS snapshots, with their targets. */
export const dlmSnapshotPolicies = defineInventory<SnapshotPolicy[]>('backup.dlmSnapshotPolicies', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(DLMClient, region);
  const listed = (await client.send(new GetLifecyclePoliciesCommand({ State: 'ENABLED' }))).Policies ?? [];
  const enabled = listed.filter((p) => p.PolicyId && p.State === 'ENABLED' && p.PolicyType === 'EBS_SNAPSHOT_MANAGEMENT');
  const details = await readEach(
    enabled.map((p) => p.PolicyId!),
    async (PolicyId) => {
      const policy = await client.send(new GetLifecyclePolicyCommand({ PolicyId }));
      if (!policy.Policy?.PolicyDetails) throw new Error('GetLifecyclePolicy answered without policy details');
      return policy.Policy.PolicyDetails;
    },
  );
  return enabled.map((p) => ({ id: p.PolicyId!, description: p.Description, isDefault: p.DefaultPolicy === true, details: details.get(p.PolicyId!)! }));
});

const hasTag = (tags: Tags, wanted: DlmTag[] | undefined) => (wanted ?? []).some((t) => t.Key !== undefined && tags[t.Key] === t.Value);

/** Whether an enabled snapshot policy's details make it snapshot the volume on a schedule. */
export function snapshotPolicyTargets(policy: SnapshotPolicy, details: PolicyDetails, volume: Volume): boolean {
  const tags = tagsOf(volume.Tags);
  if (policy.isDefault) {
    const ex = details.Exclusions ?? {};
    if (details.ResourceType !== 'VOLUME' || (ex.ExcludeVolumeTypes ?? []).includes(volume.VolumeType ?? '') || hasTag(tags, ex.ExcludeTags)) return false;
    // Which attached volume is an instance's boot volume is not in DescribeVolumes: none of them is counted.
    return !(ex.ExcludeBootVolumes && (volume.Attachments ?? []).length > 0);
  }
  const location = volume.OutpostArn ? 'OUTPOST' : 'CLOUD';
  return (
    (details.ResourceTypes ?? []).includes('VOLUME') &&
    (details.ResourceLocations ?? ['CLOUD']).includes(location) &&
    (details.Schedules ?? []).some((s) => s.CreateRule) &&
    hasTag(tags, details.TargetTags)
  );
}

export interface BucketBackupFacts {
  bucket: BucketInfo;
  /** Destination bucket ARNs of the enabled replication rules; empty when the bucket is not replicated. */
  replicatedTo: Fact<string[]>;
  holdsObjects: Fact<boolean>;
}

/** The buckets whose home is the region, with their replication and whether they hold any object. */
export const s3BucketBackups = defineInventory<BucketBackupFacts[]>('backup.s3Buckets', 'regional', async (ctx, region) => {
  const buckets = bucketsIn(await s3Buckets(ctx), region);
  const s3 = ctx.aws.client(S3Client, region);
  const replication = await readEach(
    buckets.map((b) => b.name),
    async (Bucket) => {
      try {
        const rules = (await s3.send(new GetBucketReplicationCommand({ Bucket }))).ReplicationConfiguration?.Rules ?? [];
        return rules.filter((r) => r.Status === 'Enabled').map((r) => r.Destination?.Bucket ?? 'an unnamed bucket');
      } catch (err) {
        if (isErrorNamed(err, 'ReplicationConfigurationNotFoundError')) return [];
        throw err;
      }
    },
  );
  const objects = await readEach(
    buckets.map((b) => b.name),
    async (Bucket) => ((await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }))).KeyCount ?? 0) > 0,
  );
  return buckets.map((bucket) => ({ bucket, replicatedTo: replication.get(bucket.name)!, holdsObjects: objects.get(bucket.name)! }));
});

/** The tags of the region's buckets, by name; read only where a backup selection goes by tags. */
export const s3BucketTags = defineInventory<Map<string, Fact<Tags>>>('backup.s3BucketTags', 'regional', async (ctx, region) => {
  const s3 = ctx.aws.client(S3Client, region);
  return readEach(
    bucketsIn(await s3Buckets(ctx), region).map((b) => b.name),
    async (Bucket) => {
      try {
        return tagsOf((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet);
      } catch (err) {
        if (isErrorNamed(err, 'NoSuchTagSet')) return {};
        throw err;
      }
    },
  );
});

const bucketsIn = (buckets: readonly BucketInfo[], region: string) => buckets.filter((b) => b.region === region);

/** The regions outside the scan that hold buckets: the first scanned region's run judges those buckets. */
export async function unscannedBucketRegions(ctx: CheckContext): Promise<string[]> {
  return [...new Set((await s3Buckets(ctx)).map((b) => b.region))].filter((r) => !ctx.regions.includes(r));
}
