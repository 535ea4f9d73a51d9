import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { secrets } from './inventory';

function judgeSecret(secret: SecretListEntry): Finding {
  const resource = secret.ARN!;
  const name = secret.Name ?? resource;
  if (secret.RotationEnabled) {
    const every = secret.RotationRules?.AutomaticallyAfterDays ? ` every ${secret.RotationRules.AutomaticallyAfterDays} days` : '';
    return { resource, status: 'PASS', message: `Secret ${name} rotates automatically${every}.` };
  }
  return { resource, status: 'FAIL', message: `Secret ${name} has automatic rotation turned off.` };
}

/**
 * True when every scanned region was listed and none holds a secret. A region that could not
 * be listed reports its own ERROR in its own run, so here it only means "not proven empty".
 */
async function noSecretsAnywhere(ctx: CheckContext): Promise<boolean> {
  const counts = await Promise.all(ctx.regions.map((region) => secrets(ctx, region).then((list) => list.length, () => undefined)));
  return counts.every((count) => count === 0);
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
  async run(ctx) {
    const findings = (await secrets(ctx)).filter((s) => s.ARN).map(judgeSecret);
    // The account-wide verdict is given once, by the run of the first scanned region.
    if (ctx.region === ctx.regions[0] && (await noSecretsAnywhere(ctx))) {
      findings.push({
        resource: 'account',
        region: 'global',
        status: 'MANUAL',
        message: `No Secrets Manager secret exists in any of the ${ctx.regions.length} scanned regions; record where the workload's secrets are stored instead.`,
      });
    }
    return findings;
  },
};
