import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { SECRETS_ACTIONS, secrets } from './inventory';

/** Rotation is evidence for WAS-IAM-4 only: FTR-7.10 asks for a specialized store, not rotation. */
const ROTATION_REFS = ['WAS-IAM-4'];

function judgeSecret(secret: SecretListEntry): Finding {
  const resource = secret.ARN!;
  const name = secret.Name ?? resource;
  if (secret.RotationEnabled) {
    const every = secret.RotationRules?.AutomaticallyAfterDays ? ` every ${secret.RotationRules.AutomaticallyAfterDays} days` : '';
    return { resource, status: 'PASS', message: `Secret ${name} rotates automatically${every}.`, refs: ROTATION_REFS };
  }
  return { resource, status: 'FAIL', message: `Secret ${name} has automatic rotation turned off.`, refs: ROTATION_REFS };
}

/**
 * FTR-7.10 for the account: Secrets Manager in use somewhere is the evidence of a specialized
 * store (rotation is judged per secret); none in any scanned region leaves it to attestation.
 */
function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<SecretListEntry[]>>): Finding {
  const inUse = perRegion.flatMap(({ region, fact }) => (fact.ok && fact.value.length > 0 ? [{ region, all: fact.value.length, rotating: fact.value.filter((s) => s.RotationEnabled).length }] : []));
  if (inUse.length > 0) {
    const where = inUse.map((r) => `${r.region} (${r.all} secret(s), ${r.rotating} rotating)`).join(', ');
    return { resource: 'account', status: 'PASS', message: `Secrets Manager is in use: ${where}.` };
  }
  const unreadable = unreadableRegions(perRegion);
  if (unreadable) return { resource: 'account', status: 'ERROR', message: `No Secrets Manager secret was found, but the secrets of ${unreadable} could not be listed.` };
  return {
    resource: 'account',
    status: 'MANUAL',
    message: `No Secrets Manager secret exists in any of the ${ctx.regions.length} scanned regions: record which specialized store holds the workload's secrets (e.g. SSM Parameter Store SecureString, HashiCorp Vault), who can read them, and how they are rotated.`,
  };
}

export const secretsManagerRotation: Check = {
  id: 'secretsmanager_automatic_rotation_enabled',
  refs: ['FTR-7.10', 'WAS-IAM-4'],
  title: 'Secrets are kept in Secrets Manager and rotate automatically',
  severity: 'medium',
  rationale: quote('FTR-7.10'),
  remediation:
    'Keep application credentials in AWS Secrets Manager and turn on automatic rotation (managed rotation for RDS/Redshift/DocumentDB, or a rotation Lambda function); record where any other secrets are stored.',
  scope: 'regional',
  kind: 'automated',
  actions: SECRETS_ACTIONS,
  async run(ctx) {
    return regionalFindingsWithVerdict(ctx, secrets, {
      what: 'Secrets Manager secrets',
      evaluate: (list) => list.filter((s) => s.ARN).map(judgeSecret),
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
