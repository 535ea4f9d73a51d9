import { RDSClient, paginateDescribeDBClusters, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { atRestFinding } from './findings';

export const rdsStorageEncrypted: Check = {
  id: 'rds_storage_encrypted',
  refs: ['FTR-12.2'],
  title: 'RDS databases and clusters encrypt their storage',
  severity: 'high',
  rationale: quote('FTR-12.2'),
  remediation:
    'RDS cannot encrypt a running database in place: snapshot it, copy the snapshot with encryption, restore from the encrypted copy and switch the application over.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const rds = ctx.aws.client(RDSClient, ctx.region);
    const findings: Finding[] = [];
    for await (const page of paginateDescribeDBClusters({ client: rds }, {})) {
      for (const cluster of page.DBClusters ?? []) {
        if (!cluster.DBClusterArn) continue;
        findings.push(atRestFinding(cluster.DBClusterArn, `DB cluster ${cluster.DBClusterIdentifier} (${cluster.Engine})`, cluster.StorageEncrypted, cluster.KmsKeyId));
      }
    }
    for await (const page of paginateDescribeDBInstances({ client: rds }, {})) {
      // A cluster member's storage is the cluster's, judged above.
      for (const db of page.DBInstances ?? []) {
        if (!db.DBInstanceArn || db.DBClusterIdentifier) continue;
        findings.push(atRestFinding(db.DBInstanceArn, `DB instance ${db.DBInstanceIdentifier} (${db.Engine})`, db.StorageEncrypted, db.KmsKeyId));
      }
    }
    return findings;
  },
};
