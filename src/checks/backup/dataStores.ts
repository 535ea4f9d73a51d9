import type { Volume } from '@aws-sdk/client-ec2';
import { describeError } from '../../aws/errors';
import {
  clusterLabel,
  dynamoDbTables,
  ebsVolumes,
  efsFileSystems,
  fileSystemArn,
  fileSystemLabel,
  instanceLabel,
  rdsDatabases,
  tableArn,
  volumeArn,
  volumeLabel,
} from '../../aws/inventories/dataStores';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import type { CheckContext } from '../../core/types';
import {
  dlmSnapshotPolicies,
  dynamoDbPointInTimeRecovery,
  dynamoDbTableTags,
  efsAutomaticBackups,
  s3BucketBackups,
  s3BucketTags,
  snapshotPolicyTargets,
  tagsOf,
  type SnapshotPolicy,
} from './nativeBackups';
import type { Tags } from './selection';

/** The store's own backup automation: what protects it, or what is missing. */
export type NativeBackup = { protectedBy: string } | { missing: string };

/** One data store FTR-8.1 asks to be backed up, with what is needed to judge it. */
export interface DataStore {
  arn: string;
  /** "DynamoDB table orders", as findings name it. */
  label: string;
  /** Read on demand: only a backup selection that goes by tags needs them. */
  tags: () => Promise<Fact<Tags>>;
  /** A failure here is a phrase saying what could not be read. */
  native: Fact<NativeBackup>;
  /** When nothing backs the store up: why it needs no backup of its own (a phrase following its label), or null. */
  exemption: Fact<string | null>;
}

export interface StoresOfRegion {
  stores: DataStore[];
  /** "DynamoDB tables (access denied …)" for each kind of store the region could not list. */
  unlisted: string[];
}

const known = <T>(value: T): Fact<T> => ({ ok: true, value });
const unknown = <T>(what: string, error: string): Fact<T> => ({ ok: false, error: `${what} could not be read (${error})` });
const fixedTags = (tags: Tags) => () => Promise.resolve(known(tags));
const NOT_EXEMPT = known(null);

/** A tag map from a per-resource tag inventory, read on first use. */
function lazyTags(read: () => Promise<Map<string, Fact<Tags>>>, key: string): () => Promise<Fact<Tags>> {
  return () =>
    read().then(
      (byKey) => byKey.get(key) ?? { ok: false, error: 'no answer' },
      (err) => ({ ok: false, error: describeError(err) }),
    );
}

function rdsRetention(days: number | undefined): Fact<NativeBackup> {
  if (days === undefined) return { ok: false, error: 'its backup retention period was not reported' };
  return known(days > 0 ? { protectedBy: `RDS automated backups kept ${days} day(s)` } : { missing: 'RDS automated backups are off (retention 0 days)' });
}

async function rdsStores(ctx: CheckContext, region: string): Promise<DataStore[]> {
  const { clusters, instances } = await rdsDatabases(ctx, region);
  const fromClusters = clusters.flatMap((c): DataStore[] =>
    c.DBClusterArn ? [{ arn: c.DBClusterArn, label: clusterLabel(c), tags: fixedTags(tagsOf(c.TagList)), native: rdsRetention(c.BackupRetentionPeriod), exemption: NOT_EXEMPT }] : [],
  );
  // A cluster member's data is the cluster's, judged with the cluster.
  const standalone = instances.flatMap((db): DataStore[] => {
    if (!db.DBInstanceArn || db.DBClusterIdentifier) return [];
    const source = db.ReadReplicaSourceDBInstanceIdentifier;
    return [
      {
        arn: db.DBInstanceArn,
        label: instanceLabel(db),
        tags: fixedTags(tagsOf(db.TagList)),
        native: rdsRetention(db.BackupRetentionPeriod),
        exemption: known(source ? `is a read replica of ${source}, so its data is backed up with its source` : null),
      },
    ];
  });
  return [...fromClusters, ...standalone];
}

async function dynamoDbStores(ctx: CheckContext, region: string): Promise<DataStore[]> {
  const names = await dynamoDbTables(ctx, region);
  if (names.length === 0) return [];
  const pitr = await dynamoDbPointInTimeRecovery(ctx, region);
  return names.map((name) => {
    const on = pitr.get(name)!;
    return {
      arn: tableArn(region, ctx.accountId, name),
      label: `DynamoDB table ${name}`,
      tags: lazyTags(() => dynamoDbTableTags(ctx, region), name),
      native: on.ok ? known(on.value ? { protectedBy: 'point-in-time recovery' } : { missing: 'point-in-time recovery is off' }) : unknown('its point-in-time recovery status', on.error),
      exemption: NOT_EXEMPT,
    };
  });
}

/** What Data Lifecycle Manager does for one volume. */
function dlmBackup(policies: Fact<SnapshotPolicy[]>, volume: Volume): Fact<NativeBackup> {
  if (!policies.ok) return unknown('its Data Lifecycle Manager policies', policies.error);
  const covering = policies.value.find((p) => p.details.ok && snapshotPolicyTargets(p, p.details.value, volume));
  if (covering) return known({ protectedBy: `Data Lifecycle Manager policy ${covering.id}${covering.description ? ` (${covering.description})` : ''}` });
  for (const p of policies.value) if (!p.details.ok) return unknown(`Data Lifecycle Manager policy ${p.id}`, p.details.error);
  return known({ missing: 'no enabled Data Lifecycle Manager policy snapshots it' });
}

async function ebsStores(ctx: CheckContext, region: string): Promise<DataStore[]> {
  const volumes = await ebsVolumes(ctx, region);
  if (volumes.length === 0) return [];
  const policies = await dlmSnapshotPolicies(ctx, region).then(known, (err): Fact<SnapshotPolicy[]> => ({ ok: false, error: describeError(err) }));
  return volumes.map((volume) => ({
    arn: volumeArn(region, ctx.accountId, volume.VolumeId ?? ''),
    label: volumeLabel(volume),
    tags: fixedTags(tagsOf(volume.Tags)),
    native: dlmBackup(policies, volume),
    exemption: NOT_EXEMPT,
  }));
}

async function efsStores(ctx: CheckContext, region: string): Promise<DataStore[]> {
  const fileSystems = await efsFileSystems(ctx, region);
  if (fileSystems.length === 0) return [];
  const automatic = await efsAutomaticBackups(ctx, region);
  return fileSystems.map((fs) => {
    const on = automatic.get(fs.FileSystemId ?? '') ?? { ok: false, error: 'no file system id' };
    return {
      arn: fileSystemArn(fs, region, ctx.accountId),
      label: fileSystemLabel(fs),
      tags: fixedTags(tagsOf(fs.Tags)),
      native: on.ok ? known(on.value ? { protectedBy: 'EFS automatic backups' } : { missing: 'EFS automatic backups are off' }) : unknown('its EFS backup policy', on.error),
      exemption: NOT_EXEMPT,
    };
  });
}

/** The buckets whose home is the region; an empty bucket needs no backup. */
export async function s3Stores(ctx: CheckContext, region: string): Promise<DataStore[]> {
  return (await s3BucketBackups(ctx, region)).map(({ bucket, replicatedTo, holdsObjects }) => ({
    arn: bucket.arn,
    label: `S3 bucket ${bucket.name}`,
    tags: lazyTags(() => s3BucketTags(ctx, region), bucket.name),
    native: replicatedTo.ok
      ? known(replicatedTo.value.length > 0 ? { protectedBy: `replication to ${replicatedTo.value.join(', ')}` } : { missing: 'it is not replicated' })
      : unknown('its replication configuration', replicatedTo.error),
    exemption: holdsObjects.ok ? known(holdsObjects.value ? null : 'holds no objects, so it has nothing to back up') : unknown('whether it holds objects', holdsObjects.error),
  }));
}

const KINDS: Array<{ what: string; list: (ctx: CheckContext, region: string) => Promise<DataStore[]> }> = [
  { what: 'RDS databases', list: rdsStores },
  { what: 'DynamoDB tables', list: dynamoDbStores },
  { what: 'EBS volumes', list: ebsStores },
  { what: 'EFS file systems', list: efsStores },
  { what: 'S3 buckets', list: s3Stores },
];

/** Every data store of the region with its own backup automation; a kind that cannot be listed is named, the others still judged. */
export async function storesOfRegion(ctx: CheckContext, region: string): Promise<StoresOfRegion> {
  const listed = await Promise.all(
    KINDS.map(({ what, list }) =>
      list(ctx, region).then(
        (stores) => ({ stores, unlisted: [] as string[] }),
        (err) => ({ stores: [] as DataStore[], unlisted: [`${what} (${describeError(err)})`] }),
      ),
    ),
  );
  return { stores: listed.flatMap((l) => l.stores), unlisted: listed.flatMap((l) => l.unlisted) };
}
