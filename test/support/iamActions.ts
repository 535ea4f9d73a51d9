import type { Check } from '../../src/core/types';

/**
 * The IAM action an SDK request needs, from the request counter's `<client>:<Operation>` key.
 * Most are `<prefix>:<Operation>`; the table lists where IAM names them differently.
 */
const PREFIX_OF_CLIENT: Record<string, string> = {
  s3control: 's3',
  elasticloadbalancingv2: 'elasticloadbalancing',
  configservice: 'config',
  eventbridge: 'events',
  ssoadmin: 'sso',
  efs: 'elasticfilesystem',
};

const ACTION_OF_OPERATION: Record<string, string> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
};

export function iamActionOf(counterKey: string): string {
  const mapped = ACTION_OF_OPERATION[counterKey];
  if (mapped) return mapped;
  const [client, operation] = counterKey.split(':');
  return `${PREFIX_OF_CLIENT[client] ?? client}:${operation}`;
}

/** The IAM actions behind the requests in `byOperation` (a request counter's keys) that `check` does not declare. */
export function undeclaredActions(check: Check, byOperation: Record<string, number>): string[] {
  const declared = new Set(check.actions ?? []);
  return [...new Set(Object.keys(byOperation).map(iamActionOf))].filter((action) => !declared.has(action)).sort();
}
