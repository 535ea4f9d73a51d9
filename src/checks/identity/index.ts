import type { Check } from '../../core/types';
import { iamAccessKeyRotated } from './accessKeyRotation';
import { iamNoFullAdminPrivileges } from './adminPrivileges';
import { iamCentralizedIdentity } from './centralizedIdentity';
import { iamRoleCrossAccountExternalId } from './crossAccountExternalId';
import { iamRoleExternalIdUnique } from './externalIdUnique';
import { iamPasswordPolicyStrong } from './passwordPolicy';
import { iamNoRootAccessKey } from './rootAccessKeys';
import { iamRootMfaEnabled } from './rootMfa';
import { iamAvoidRootUsage } from './rootNotUsedRecently';
import { iamRootAccountSecured } from './rootSecured';
import { iamUserCredentialsUnused } from './unusedCredentials';
import { iamRoleUnused } from './unusedRoles';
import { iamUserMfaEnabledConsoleAccess } from './userMfa';

export const identityChecks: Check[] = [
  iamAvoidRootUsage,
  iamNoRootAccessKey,
  iamRootMfaEnabled,
  iamRootAccountSecured,
  iamUserMfaEnabledConsoleAccess,
  iamAccessKeyRotated,
  iamPasswordPolicyStrong,
  iamRoleCrossAccountExternalId,
  iamNoFullAdminPrivileges,
  iamUserCredentialsUnused,
  iamRoleUnused,
  iamRoleExternalIdUnique,
  iamCentralizedIdentity,
];
