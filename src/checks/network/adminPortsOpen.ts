import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { securityGroups } from '../../aws/inventories/securityGroups';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** Remote administration, file sharing and database ports that must never face the whole internet. */
export const ADMIN_AND_DATABASE_PORTS: ReadonlyArray<{ port: number; service: string }> = [
  { port: 22, service: 'SSH' },
  { port: 23, service: 'Telnet' },
  { port: 135, service: 'Microsoft RPC' },
  { port: 137, service: 'NetBIOS' },
  { port: 138, service: 'NetBIOS' },
  { port: 139, service: 'NetBIOS' },
  { port: 445, service: 'SMB' },
  { port: 1433, service: 'SQL Server' },
  { port: 1521, service: 'Oracle' },
  { port: 2049, service: 'NFS' },
  { port: 3306, service: 'MySQL' },
  { port: 3389, service: 'RDP' },
  { port: 5432, service: 'PostgreSQL' },
  { port: 5439, service: 'Redshift' },
  { port: 5985, service: 'WinRM' },
  { port: 5986, service: 'WinRM' },
  { port: 6379, service: 'Redis' },
  { port: 9200, service: 'Elasticsearch' },
  { port: 9300, service: 'Elasticsearch' },
  { port: 11211, service: 'Memcached' },
  { port: 27017, service: 'MongoDB' },
];

const OPEN_TO_INTERNET = new Set(['0.0.0.0/0', '::/0']);

/** The port range a rule opens, or undefined for protocols without ports (ICMP, ESP, …). */
function portRange(rule: IpPermission): { from: number; to: number; label: string } | undefined {
  const protocol = (rule.IpProtocol ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return { from: 0, to: 65535, label: 'all traffic' };
  const name = protocol === '6' ? 'tcp' : protocol === '17' ? 'udp' : protocol;
  if (name !== 'tcp' && name !== 'udp') return undefined;
  // A TCP/UDP rule without ports (or with -1) opens every port.
  const from = rule.FromPort === undefined || rule.FromPort < 0 ? 0 : rule.FromPort;
  const to = rule.ToPort === undefined || rule.ToPort < 0 ? 65535 : rule.ToPort;
  return { from, to, label: from === to ? `${name} ${from}` : `${name} ${from}-${to}` };
}

/** Each inbound rule that opens an administrative or database port to the internet, as a phrase. */
export function internetExposures(group: SecurityGroup): string[] {
  const exposures: string[] = [];
  for (const rule of group.IpPermissions ?? []) {
    const range = portRange(rule);
    if (!range) continue;
    const sources = [...(rule.IpRanges ?? []).map((r) => r.CidrIp), ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter(
      (cidr): cidr is string => cidr !== undefined && OPEN_TO_INTERNET.has(cidr),
    );
    if (sources.length === 0) continue;
    const ports = ADMIN_AND_DATABASE_PORTS.filter((p) => p.port >= range.from && p.port <= range.to);
    if (ports.length === 0) continue;
    const named = range.from === 0 && range.to === 65535 ? 'every port' : ports.map((p) => `${p.service} ${p.port}`).join(', ');
    exposures.push(`${range.label} from ${sources.join(' and ')} (${named})`);
  }
  return exposures;
}

export const securityGroupAdminPortsClosed: Check = {
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_admin_ports',
  refs: ['WAS-INF-3'],
  title: 'No security group opens administrative or database ports to the internet',
  severity: 'high',
  rationale: quote('WAS-INF-3'),
  remediation:
    'Remove the inbound rules that allow 0.0.0.0/0 or ::/0 on administrative or database ports; reach instances through Systems Manager Session Manager or a VPN/bastion range, and let only application security groups reach databases.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    return (await securityGroups(ctx))
      .filter((g) => g.GroupId)
      .map((group): Finding => {
        const label = `Security group ${group.GroupId} (${group.GroupName ?? 'unnamed'}${group.VpcId ? ` in ${group.VpcId}` : ''})`;
        const exposures = internetExposures(group);
        return exposures.length > 0
          ? { resource: group.GroupId!, status: 'FAIL', message: `${label} allows ${exposures.join('; ')}.` }
          : { resource: group.GroupId!, status: 'PASS', message: `${label} opens no administrative or database port to the internet.` };
      });
  },
};
