import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient, paginateListKeys, type KeyListEntry } from '@aws-sdk/client-kms';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** Per-key calls in flight at once in one region. */
const KEY_CALL_CONCURRENCY = 8;

export const kmsKeyRotationEnabled: Check = {
  id: 'kms_cmk_rotation_enabled',
  refs: ['WAS-DP-1'],
  title: 'Customer-managed KMS keys rotate automatically',
  severity: 'medium',
  rationale: quote('WAS-DP-1'),
  remediation: 'Turn on automatic rotation for the key (`aws kms enable-key-rotation --key-id <key>`), yearly or on a shorter period.',
  scope: 'regional',
  kind: 'automated',
  actions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListKeys'],
  async run(ctx) {
    const kms = ctx.aws.client(KMSClient, ctx.region);
    const keys: KeyListEntry[] = [];
    for await (const page of paginateListKeys({ client: kms }, {})) keys.push(...(page.Keys ?? []));
    const limit = pLimit(KEY_CALL_CONCURRENCY);

    /** The rotation verdict for one key; null for keys that cannot or need not rotate automatically. */
    async function judge(entry: KeyListEntry): Promise<Finding | null> {
      const resource = entry.KeyArn ?? `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${entry.KeyId}`;
      try {
        const meta = (await limit(() => kms.send(new DescribeKeyCommand({ KeyId: entry.KeyId })))).KeyMetadata;
        // AWS-managed keys rotate on their own; imported, HSM-backed and asymmetric keys cannot rotate automatically.
        if (!meta || meta.KeyManager !== 'CUSTOMER' || meta.KeyState !== 'Enabled') return null;
        if (meta.KeySpec !== 'SYMMETRIC_DEFAULT' || meta.Origin !== 'AWS_KMS') return null;
        const status = await limit(() => kms.send(new GetKeyRotationStatusCommand({ KeyId: entry.KeyId })));
        const label = `KMS key ${entry.KeyId}${meta.Description ? ` (${meta.Description})` : ''}`;
        if (status.KeyRotationEnabled === undefined) return { resource, status: 'ERROR', message: `${label}: rotation status not reported.` };
        return status.KeyRotationEnabled
          ? { resource, status: 'PASS', message: `${label} rotates automatically${status.RotationPeriodInDays ? ` every ${status.RotationPeriodInDays} days` : ''}.` }
          : { resource, status: 'FAIL', message: `${label} is a customer-managed key without automatic rotation.` };
      } catch (err) {
        return { resource, status: 'ERROR', message: `Could not read KMS key ${entry.KeyId}: ${describeError(err)}.` };
      }
    }

    return (await Promise.all(keys.map(judge))).filter((f): f is Finding => f !== null);
  },
};
