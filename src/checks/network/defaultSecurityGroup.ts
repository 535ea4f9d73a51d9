import { securityGroups } from '../../aws/inventories/securityGroups';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

const rules = (count: number, direction: string) => `${count} ${direction} rule${count === 1 ? '' : 's'}`;

export const defaultSecurityGroupRestricted: Check = {
  id: 'ec2_securitygroup_default_restrict_traffic',
  refs: ['WAS-INF-3'],
  title: 'Default security groups allow no traffic',
  severity: 'medium',
  rationale: quote('WAS-INF-3'),
  remediation:
    'Remove every inbound and outbound rule from the VPC’s default security group and attach purpose-built security groups to resources instead; anything launched without a group then gets no network access.',
  scope: 'regional',
  kind: 'automated',
  actions: ['ec2:DescribeSecurityGroups'],
  async run(ctx) {
    return (await securityGroups(ctx))
      .filter((g) => g.GroupId && g.GroupName === 'default')
      .map((group): Finding => {
        const label = `Default security group ${group.GroupId}${group.VpcId ? ` of ${group.VpcId}` : ''}`;
        if (group.IpPermissions === undefined || group.IpPermissionsEgress === undefined) {
          return { resource: group.GroupId!, status: 'ERROR', message: `${label} was listed without its rules.` };
        }
        const inbound = group.IpPermissions.length;
        const outbound = group.IpPermissionsEgress.length;
        return inbound + outbound > 0
          ? { resource: group.GroupId!, status: 'FAIL', message: `${label} has ${rules(inbound, 'inbound')} and ${rules(outbound, 'outbound')}; it should have none.` }
          : { resource: group.GroupId!, status: 'PASS', message: `${label} has no rules, so it allows no traffic.` };
      });
  },
};
