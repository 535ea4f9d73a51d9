import { clusterLabel, instanceLabel, RDS_DATABASE_ACTIONS, rdsDatabases } from '../../aws/inventories/dataStores';
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
  actions: [...RDS_DATABASE_ACTIONS],
  async run(ctx) {
    const { clusters, instances } = await rdsDatabases(ctx);
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      if (cluster.DBClusterArn) findings.push(atRestFinding(cluster.DBClusterArn, clusterLabel(cluster), cluster.StorageEncrypted, cluster.KmsKeyId));
    }
    // A cluster member's storage is the cluster's, judged above.
    for (const db of instances) {
      if (db.DBInstanceArn && !db.DBClusterIdentifier) findings.push(atRestFinding(db.DBInstanceArn, instanceLabel(db), db.StorageEncrypted, db.KmsKeyId));
    }
    return findings;
  },
};
