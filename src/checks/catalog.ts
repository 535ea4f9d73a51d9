import type { Check } from '../core/types';
import { accountChecks } from './account';
import { attestationChecks } from './attestations';
import { backupChecks } from './backup';
import { dataprotectionChecks } from './dataprotection';
import { detectionChecks } from './detection';
import { identityChecks } from './identity';
import { loggingChecks } from './logging';
import { networkChecks } from './network';
import { s3Checks } from './s3';
import { secretsChecks } from './secrets';

/** Every check the tool runs, automated and attestation. */
export const catalog: readonly Check[] = [
  ...identityChecks,
  ...accountChecks,
  ...loggingChecks,
  ...s3Checks,
  ...detectionChecks,
  ...dataprotectionChecks,
  ...backupChecks,
  ...secretsChecks,
  ...networkChecks,
  ...attestationChecks,
];
