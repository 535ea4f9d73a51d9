import { EFS_FILE_SYSTEM_ACTIONS, efsFileSystems, fileSystemArn, fileSystemLabel } from '../../aws/inventories/dataStores';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { atRestFinding } from './findings';

export const efsEncrypted: Check = {
  id: 'efs_encrypted',
  refs: ['FTR-12.2'],
  title: 'EFS file systems are encrypted at rest',
  severity: 'medium',
  rationale: quote('FTR-12.2'),
  remediation: 'EFS encryption is set at creation: create an encrypted file system, copy the data across (e.g. with AWS DataSync) and remount clients.',
  scope: 'regional',
  kind: 'automated',
  actions: [...EFS_FILE_SYSTEM_ACTIONS],
  async run(ctx) {
    return (await efsFileSystems(ctx)).map((fs) => atRestFinding(fileSystemArn(fs, ctx.region, ctx.accountId), fileSystemLabel(fs), fs.Encrypted, fs.KmsKeyId));
  },
};
