import { EBS_VOLUME_ACTIONS, ebsVolumes, volumeArn, volumeLabel } from '../../aws/inventories/dataStores';
import type { Check } from '../../core/types';
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
  actions: [...EBS_VOLUME_ACTIONS],
  async run(ctx) {
    return (await ebsVolumes(ctx)).map((volume) =>
      atRestFinding(volumeArn(ctx.region, ctx.accountId, volume.VolumeId ?? ''), volumeLabel(volume), volume.Encrypted, volume.KmsKeyId),
    );
  },
};
