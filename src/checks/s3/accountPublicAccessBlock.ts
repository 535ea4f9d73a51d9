import type { Check } from '../../core/types';
import { quote } from '../define';
import { ACCOUNT_PUBLIC_ACCESS_BLOCK_ACTIONS, accountPublicAccessBlock, missingFlags } from './exposure';

export const s3AccountPublicAccessBlock: Check = {
  id: 's3_account_public_access_block',
  refs: ['FTR-10.2'],
  title: 'S3 Block Public Access is on for the whole account',
  severity: 'high',
  rationale: quote('FTR-10.2'),
  remediation:
    'Turn on all four account-level Block Public Access settings (S3 console → Block Public Access settings for this account, or `aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`); serve intentionally public content through CloudFront instead.',
  scope: 'global',
  kind: 'automated',
  actions: ACCOUNT_PUBLIC_ACCESS_BLOCK_ACTIONS,
  async run(ctx) {
    const config = await accountPublicAccessBlock(ctx);
    if (!config) {
      return [{ resource: 'account', status: 'FAIL', message: 'Account-level S3 Block Public Access is not set, so every bucket relies on its own settings.' }];
    }
    const missing = missingFlags(config);
    return [
      missing.length === 0
        ? { resource: 'account', status: 'PASS', message: 'Account-level S3 Block Public Access has all four settings on.' }
        : { resource: 'account', status: 'FAIL', message: `Account-level S3 Block Public Access is incomplete: ${missing.join(', ')} off.` },
    ];
  },
};
