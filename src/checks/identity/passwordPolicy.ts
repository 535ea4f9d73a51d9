import { GetAccountPasswordPolicyCommand, IAMClient, type PasswordPolicy } from '@aws-sdk/client-iam';
import { isErrorNamed } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';
import type { Check } from '../../core/types';
import { quote } from '../define';

/** The account password policy, or null when none is set. */
export const accountPasswordPolicy = defineInventory<PasswordPolicy | null>('iam.passwordPolicy', 'global', async (ctx, region) => {
  try {
    const out = await ctx.aws.client(IAMClient, region).send(new GetAccountPasswordPolicyCommand({}));
    return out.PasswordPolicy ?? null;
  } catch (err) {
    if (isErrorNamed(err, 'NoSuchEntity', 'NoSuchEntityException')) return null;
    throw err;
  }
});

export const iamPasswordPolicyStrong: Check = {
  id: 'iam_password_policy_strong',
  refs: ['FTR-7.3'],
  title: 'Account password policy is strong',
  severity: 'medium',
  rationale: quote('FTR-7.3'),
  remediation:
    'Set an account password policy (IAM → Account settings, or `aws iam update-account-password-policy`) with the configured minimum length, all four character classes and password reuse prevention.',
  scope: 'global',
  kind: 'automated',
  actions: ['iam:GetAccountPasswordPolicy'],
  async run(ctx) {
    const policy = await accountPasswordPolicy(ctx);
    const want = ctx.thresholds.passwordPolicy;
    if (!policy) {
      return [{ resource: 'account', status: 'FAIL', message: 'No account password policy is set, so IAM uses its weak default.' }];
    }
    const shortfalls: string[] = [];
    if ((policy.MinimumPasswordLength ?? 0) < want.minimumLength) {
      shortfalls.push(`minimum length ${policy.MinimumPasswordLength ?? 0} (needs ${want.minimumLength})`);
    }
    if (want.requireUppercase && !policy.RequireUppercaseCharacters) shortfalls.push('uppercase letters not required');
    if (want.requireLowercase && !policy.RequireLowercaseCharacters) shortfalls.push('lowercase letters not required');
    if (want.requireNumbers && !policy.RequireNumbers) shortfalls.push('numbers not required');
    if (want.requireSymbols && !policy.RequireSymbols) shortfalls.push('symbols not required');
    if ((policy.PasswordReusePrevention ?? 0) < want.reusePrevention) {
      shortfalls.push(`reuse prevention ${policy.PasswordReusePrevention ?? 0} (needs ${want.reusePrevention})`);
    }
    return [
      shortfalls.length === 0
        ? { resource: 'account', status: 'PASS', message: `The password policy meets the bar (length ≥ ${want.minimumLength}, all character classes, reuse prevention ${want.reusePrevention}).` }
        : { resource: 'account', status: 'FAIL', message: `The password policy is weaker than required: ${shortfalls.join('; ')}.` },
    ];
  },
};
