import { EFSClient, paginateDescribeFileSystems } from '@aws-sdk/client-efs';
import type { Check, Finding } from '../../core/types';
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
  async run(ctx) {
    const findings: Finding[] = [];
    for await (const page of paginateDescribeFileSystems({ client: ctx.aws.client(EFSClient, ctx.region) }, {})) {
      for (const fs of page.FileSystems ?? []) {
        const arn = fs.FileSystemArn ?? `arn:aws:elasticfilesystem:${ctx.region}:${ctx.accountId}:file-system/${fs.FileSystemId}`;
        findings.push(atRestFinding(arn, `EFS file system ${fs.FileSystemId}${fs.Name ? ` (${fs.Name})` : ''}`, fs.Encrypted, fs.KmsKeyId));
      }
    }
    return findings;
  },
};
