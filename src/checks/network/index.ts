import type { Check } from '../../core/types';
import { securityGroupAdminPortsClosed } from './adminPortsOpen';
import { cloudfrontDistributionWaf } from './cloudfrontWaf';
import { defaultSecurityGroupRestricted } from './defaultSecurityGroup';
import { elbv2InternetFacingWaf } from './loadBalancerWaf';
import { ssmPatchCompliance } from './patchCompliance';

export const networkChecks: Check[] = [
  securityGroupAdminPortsClosed,
  defaultSecurityGroupRestricted,
  elbv2InternetFacingWaf,
  cloudfrontDistributionWaf,
  ssmPatchCompliance,
];
