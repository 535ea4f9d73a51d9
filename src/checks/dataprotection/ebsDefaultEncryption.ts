import { EC2Client, GetEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2';
import type { Check } from '../../core/types';
import { quote } from '../define';

export const ebsEncryptionByDefault: Check = {
  id: 'ec2_ebs_default_encryption',
  refs: ['FTR-12.2', 'WAS-DP-1'],
  title: 'EBS encryption by default is on',
  severity: 'medium',
  rationale: quote('FTR-12.2'),
  remediation: 'Turn on EBS encryption by default in every region (EC2 → Settings → Data protection, or `aws ec2 enable-ebs-encryption-by-default`).',
  scope: 'regional',
  kind: 'automated',
  actions: ['ec2:GetEbsEncryptionByDefault'],
  async run(ctx) {
    const out = await ctx.aws.client(EC2Client, ctx.region).send(new GetEbsEncryptionByDefaultCommand({}));
    if (out.EbsEncryptionByDefault === undefined) throw new Error('GetEbsEncryptionByDefault answered without a setting');
    return [
      out.EbsEncryptionByDefault
        ? { resource: 'account', status: 'PASS', message: `EBS encryption by default is on in ${ctx.region}.` }
        : { resource: 'account', status: 'FAIL', message: `EBS encryption by default is off in ${ctx.region}, so new volumes may be unencrypted.` },
    ];
  },
};
