import type { Check } from '../../core/types';
import { acmCertificateExpiry } from './acmCertificateExpiry';
import { ebsEncryptionByDefault } from './ebsDefaultEncryption';
import { ebsVolumeEncrypted } from './ebsVolumeEncryption';
import { efsEncrypted } from './efsEncryption';
import { elbv2ListenerEncrypted } from './elbListenerEncryption';
import { kmsKeyRotationEnabled } from './kmsKeyRotation';
import { macieEnabled } from './macieEnabled';
import { rdsStorageEncrypted } from './rdsStorageEncryption';
import { s3BucketAccessLogged } from './s3AccessLogging';
import { s3BucketDefaultEncryption } from './s3DefaultEncryption';
import { s3BucketSecureTransport } from './s3SecureTransport';
import { attestSensitiveDataClassification } from './sensitiveDataClassification';

export const dataprotectionChecks: Check[] = [
  macieEnabled,
  attestSensitiveDataClassification,
  s3BucketDefaultEncryption,
  ebsEncryptionByDefault,
  ebsVolumeEncrypted,
  rdsStorageEncrypted,
  efsEncrypted,
  kmsKeyRotationEnabled,
  s3BucketSecureTransport,
  elbv2ListenerEncrypted,
  acmCertificateExpiry,
  s3BucketAccessLogged,
];
