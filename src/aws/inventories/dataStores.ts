import { DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import { EC2Client, paginateDescribeVolumes, type Volume } from '@aws-sdk/client-ec2';
import { EFSClient, paginateDescribeFileSystems, type FileSystemDescription } from '@aws-sdk/client-efs';
import { RDSClient, paginateDescribeDBClusters, paginateDescribeDBInstances, type DBCluster, type DBInstance } from '@aws-sdk/client-rds';
import { defineInventory } from '../inventory';

/** What listing the region's RDS databases asks. */
export const RDS_DATABASE_ACTIONS = ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'] as const;
export const EBS_VOLUME_ACTIONS = ['ec2:DescribeVolumes'] as const;
export const EFS_FILE_SYSTEM_ACTIONS = ['elasticfilesystem:DescribeFileSystems'] as const;
export const DYNAMODB_TABLE_ACTIONS = ['dynamodb:ListTables'] as const;

export interface RdsDatabases {
  /** Aurora and Multi-AZ DB clusters. */
  clusters: DBCluster[];
  /** Every DB instance, cluster members included (they carry `DBClusterIdentifier`). */
  instances: DBInstance[];
}

/** The region's RDS DB clusters and instances, with their tags: one paged walk of each per region. */
export const rdsDatabases = defineInventory<RdsDatabases>('rds.databases', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(RDSClient, region);
  const clusters: DBCluster[] = [];
  const instances: DBInstance[] = [];
  for await (const page of paginateDescribeDBClusters({ client }, {})) clusters.push(...(page.DBClusters ?? []));
  for await (const page of paginateDescribeDBInstances({ client }, {})) instances.push(...(page.DBInstances ?? []));
  return { clusters, instances };
});

/** "DB cluster ledger (aurora-postgresql)", as findings name it. */
export const clusterLabel = (cluster: DBCluster) => `DB cluster ${cluster.DBClusterIdentifier} (${cluster.Engine})`;
export const instanceLabel = (db: DBInstance) => `DB instance ${db.DBInstanceIdentifier} (${db.Engine})`;

/** The region's EBS volumes, with their tags and attachments: one paged DescribeVolumes walk per region. */
export const ebsVolumes = defineInventory<Volume[]>('ec2.volumes', 'regional', async (ctx, region) => {
  const volumes: Volume[] = [];
  for await (const page of paginateDescribeVolumes({ client: ctx.aws.client(EC2Client, region) }, {})) volumes.push(...(page.Volumes ?? []));
  return volumes;
});

/** An EBS volume's ARN (DescribeVolumes does not give one). */
export function volumeArn(region: string, accountId: string, volumeId: string): string {
  return `arn:aws:ec2:${region}:${accountId}:volume/${volumeId}`;
}

/** "EBS volume vol-1 (attached to i-1)", as findings name it. */
export function volumeLabel(volume: Volume): string {
  const attached = volume.Attachments?.map((a) => a.InstanceId).filter(Boolean) ?? [];
  return `EBS volume ${volume.VolumeId}${attached.length > 0 ? ` (attached to ${attached.join(', ')})` : ''}`;
}

/** The region's EFS file systems, with their tags: one paged DescribeFileSystems walk per region. */
export const efsFileSystems = defineInventory<FileSystemDescription[]>('efs.fileSystems', 'regional', async (ctx, region) => {
  const fileSystems: FileSystemDescription[] = [];
  for await (const page of paginateDescribeFileSystems({ client: ctx.aws.client(EFSClient, region) }, {})) fileSystems.push(...(page.FileSystems ?? []));
  return fileSystems;
});

/** An EFS file system's ARN; older answers may leave it out. */
export function fileSystemArn(fs: FileSystemDescription, region: string, accountId: string): string {
  return fs.FileSystemArn ?? `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${fs.FileSystemId}`;
}

export const fileSystemLabel = (fs: FileSystemDescription) => `EFS file system ${fs.FileSystemId}${fs.Name ? ` (${fs.Name})` : ''}`;

/** The names of the region's DynamoDB tables: one paged ListTables walk per region. */
export const dynamoDbTables = defineInventory<string[]>('dynamodb.tables', 'regional', async (ctx, region) => {
  const names: string[] = [];
  for await (const page of paginateListTables({ client: ctx.aws.client(DynamoDBClient, region) }, {})) names.push(...(page.TableNames ?? []));
  return names;
});

/** A DynamoDB table's ARN (ListTables gives names only). */
export function tableArn(region: string, accountId: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
}
