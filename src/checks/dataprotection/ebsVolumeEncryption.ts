import { EC2Client, paginateDescribeVolumes } from '@aws-sdk/client-ec2';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { atRestFinding } from './findings';

export const ebsVolumeEncrypted: Check = {
  id: 'ec2_ebs_volume_encrypted',
  refs: ['FTR-12.2'],
  title: 'EBS volumes are encrypted',
  severity: 'medium',
  rationale: quote('FTR-12.2'),
  remediation:
    'Snapshot the unencrypted volume, copy the snapshot with encryption on, create a volume from it and swap it in; turn on EBS encryption by default so new volumes are encrypted.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const findings: Finding[] = [];
    for await (const page of paginateDescribeVolumes({ client: ctx.aws.client(EC2Client, ctx.region) }, {})) {
      for (const volume of page.Volumes ?? []) {
        const arn = `arn:aws:ec2:${ctx.region}:${ctx.accountId}:volume/${volume.VolumeId}`;
        const attached = volume.Attachments?.map((a) => a.InstanceId).filter(Boolean) ?? [];
        const label = `EBS volume ${volume.VolumeId}${attached.length > 0 ? ` (attached to ${attached.join(', ')})` : ''}`;
        findings.push(atRestFinding(arn, label, volume.Encrypted, volume.KmsKeyId));
      }
    }
    return findings;
  },
};
