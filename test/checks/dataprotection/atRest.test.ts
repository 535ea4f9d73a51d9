import { CreateVolumeCommand, EC2Client, EnableEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2';
import { CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsAccess } from '../../../src/aws/clients';
import { ebsEncryptionByDefault } from '../../../src/checks/dataprotection/ebsDefaultEncryption';
import { ebsVolumeEncrypted } from '../../../src/checks/dataprotection/ebsVolumeEncryption';
import { efsEncrypted } from '../../../src/checks/dataprotection/efsEncryption';
import { kmsKeyRotationEnabled } from '../../../src/checks/dataprotection/kmsKeyRotation';
import { rdsStorageEncrypted } from '../../../src/checks/dataprotection/rdsStorageEncryption';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

describe('encryption at rest checks (FTR-12.2, WAS-DP-1) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  it('ec2_ebs_default_encryption: judges each scanned region on its own', async () => {
    await aws.client(EC2Client, 'eu-west-1').send(new EnableEbsEncryptionByDefaultCommand({}));
    const report = await scanChecks([ebsEncryptionByDefault], { aws, regions: ['us-east-1', 'eu-west-1'] });
    expect(resultFor(report, 'ec2_ebs_default_encryption', 'account', 'eu-west-1').status).toBe('PASS');
    const us = resultFor(report, 'ec2_ebs_default_encryption', 'account', 'us-east-1');
    expect(us.status).toBe('FAIL');
    expect(us.message).toContain('off in us-east-1');
  });

  it('ec2_ebs_volume_encrypted: one result per volume ARN', async () => {
    const ec2 = aws.client(EC2Client, 'us-east-1');
    const plain = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    const sealed = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1, Encrypted: true }));
    const report = await scanChecks([ebsVolumeEncrypted], { aws });
    const arn = (id?: string) => `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:volume/${id}`;
    const failed = resultFor(report, 'ec2_ebs_volume_encrypted', arn(plain.VolumeId));
    expect(failed.status).toBe('FAIL');
    expect(failed.message).toContain(`EBS volume ${plain.VolumeId} is not encrypted`);
    expect(resultFor(report, 'ec2_ebs_volume_encrypted', arn(sealed.VolumeId)).status).toBe('PASS');
  });

  it('rds_storage_encrypted: judges clusters and stand-alone instances', async () => {
    const rds = aws.client(RDSClient, 'us-east-1');
    await rds.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders', DBInstanceClass: 'db.t3.micro', Engine: 'postgres', MasterUsername: 'admin', MasterUserPassword: 'password123', AllocatedStorage: 20 }),
    );
    await rds.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-postgresql', MasterUsername: 'admin', MasterUserPassword: 'password123', StorageEncrypted: true }),
    );
    const report = await scanChecks([rdsStorageEncrypted], { aws });
    const instance = resultFor(report, 'rds_storage_encrypted', `arn:aws:rds:us-east-1:${ACCOUNT_ID}:db:orders`);
    expect(instance.status).toBe('FAIL');
    expect(instance.message).toContain('DB instance orders (postgres) is not encrypted');
    expect(resultFor(report, 'rds_storage_encrypted', `arn:aws:rds:us-east-1:${ACCOUNT_ID}:cluster:ledger`).status).toBe('PASS');
  });

  it('efs_encrypted: one result per file system', async () => {
    const efs = aws.client(EFSClient, 'us-east-1');
    const plain = await efs.send(new CreateFileSystemCommand({ CreationToken: 'plain' }));
    const sealed = await efs.send(new CreateFileSystemCommand({ CreationToken: 'sealed', Encrypted: true }));
    const report = await scanChecks([efsEncrypted], { aws });
    expect(resultFor(report, 'efs_encrypted', plain.FileSystemArn!).status).toBe('FAIL');
    expect(resultFor(report, 'efs_encrypted', sealed.FileSystemArn!).status).toBe('PASS');
  });

  it('kms_cmk_rotation_enabled: fails enabled symmetric customer keys without rotation and skips keys that cannot rotate', async () => {
    const kms = aws.client(KMSClient, 'us-east-1');
    const rotating = (await kms.send(new CreateKeyCommand({ Description: 'rotating' }))).KeyMetadata!;
    const stale = (await kms.send(new CreateKeyCommand({ Description: 'stale' }))).KeyMetadata!;
    const signing = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    const disabled = (await kms.send(new CreateKeyCommand({ Description: 'disabled' }))).KeyMetadata!;
    await kms.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const report = await scanChecks([kmsKeyRotationEnabled], { aws });
    expect(resultFor(report, 'kms_cmk_rotation_enabled', rotating.Arn!).status).toBe('PASS');
    const failed = resultFor(report, 'kms_cmk_rotation_enabled', stale.Arn!);
    expect(failed.status).toBe('FAIL');
    expect(failed.message).toContain('(stale) is a customer-managed key without automatic rotation');
    const resources = report.results.map((r) => r.resource);
    expect(resources).not.toContain(signing.Arn);
    expect(resources).not.toContain(disabled.Arn);
  });

  it('kms_cmk_rotation_enabled: a key it may not describe is an ERROR for that key only', async () => {
    const kms = aws.client(KMSClient, 'us-east-1');
    const locked = (await kms.send(new CreateKeyCommand({ Description: 'locked' }))).KeyMetadata!;
    const open = (await kms.send(new CreateKeyCommand({ Description: 'open' }))).KeyMetadata!;
    kms.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        if (context.commandName === 'DescribeKeyCommand' && args.input.KeyId === locked.KeyId) {
          throw Object.assign(new Error('not authorized to perform kms:DescribeKey'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'denyLockedKey' },
    );
    const report = await scanChecks([kmsKeyRotationEnabled], { aws });
    const denied = resultFor(report, 'kms_cmk_rotation_enabled', locked.Arn!);
    expect(denied.status).toBe('ERROR');
    expect(denied.message).toMatch(/access denied/);
    expect(resultFor(report, 'kms_cmk_rotation_enabled', open.Arn!).status).toBe('FAIL');
  });
});
