import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { describeError } from '../../aws/errors';
import { PREFIX_LIST_ACTIONS, prefixLists, type PrefixList } from '../../aws/inventories/prefixLists';
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

/**
 * Whether a source range reaches the internet at large: 0.0.0.0/0 and ::/0, and ranges so wide
 * they are the internet in all but name (an IPv4 /8 or wider outside 10.0.0.0/8, an IPv6 range
 * covering global unicast 2000::/3).
 */
export function isInternetWide(cidr: string): boolean {
  const [address, bits] = cidr.split('/');
  const prefix = Number(bits ?? (address.includes(':') ? 128 : 32));
  if (!Number.isInteger(prefix)) return false;
  if (address.includes(':')) {
    if (prefix > 3) return false;
    const firstHextet = address.startsWith('::') ? 0 : parseInt(address.split(':')[0], 16);
    return prefix === 0 || firstHextet >> (16 - prefix) === 0x2000 >> (16 - prefix);
  }
  return prefix <= 8 && !(prefix === 8 && address.startsWith('10.'));
}

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

export interface GroupExposure {
  /** Each inbound rule that opens an administrative or database port to the internet, as a phrase. */
  exposures: string[];
  /** Prefix lists on such rules whose entries could not be read. */
  unreadable: string[];
}

/**
 * The group's rules that open administrative or database ports to the internet, directly or
 * through a customer-managed prefix list holding an internet-wide range. `lists` is undefined
 * when the prefix lists could not be read.
 */
export function internetExposures(group: SecurityGroup, lists: ReadonlyMap<string, PrefixList> | undefined): GroupExposure {
  const result: GroupExposure = { exposures: [], unreadable: [] };
  for (const rule of group.IpPermissions ?? []) {
    const range = portRange(rule);
    if (!range) continue;
    const ports = ADMIN_AND_DATABASE_PORTS.filter((p) => p.port >= range.from && p.port <= range.to);
    if (ports.length === 0) continue;
    const sources = [...(rule.IpRanges ?? []).map((r) => r.CidrIp), ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter(
      (cidr): cidr is string => cidr !== undefined && isInternetWide(cidr),
    );
    for (const { PrefixListId: id } of rule.PrefixListIds ?? []) {
      if (!id) continue;
      const list = lists?.get(id);
      if (!list) result.unreadable.push(id);
      else sources.push(...list.cidrs.filter(isInternetWide).map((cidr) => `${cidr} (prefix list ${list.name})`));
    }
    if (sources.length === 0) continue;
    const named = range.from === 0 && range.to === 65535 ? 'every port' : ports.map((p) => `${p.service} ${p.port}`).join(', ');
    result.exposures.push(`${range.label} from ${sources.join(' and ')} (${named})`);
  }
  return result;
}

/** Whether any inbound rule names a prefix list, so the lists must be read. */
function usesPrefixLists(group: SecurityGroup): boolean {
  return (group.IpPermissions ?? []).some((rule) => (rule.PrefixListIds ?? []).length > 0);
}

export const securityGroupAdminPortsClosed: Check = {
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_admin_ports',
  refs: ['WAS-INF-3'],
  title: 'No security group opens administrative or database ports to the internet',
  severity: 'high',
  rationale: quote('WAS-INF-3'),
  remediation:
    'Remove the inbound rules that allow 0.0.0.0/0, ::/0 or other internet-wide ranges (directly or through a prefix list) on administrative or database ports; reach instances through Systems Manager Session Manager or a VPN/bastion range, and let only application security groups reach databases.',
  scope: 'regional',
  kind: 'automated',
  actions: ['ec2:DescribeSecurityGroups', ...PREFIX_LIST_ACTIONS],
  async run(ctx) {
    const groups = (await securityGroups(ctx)).filter((g) => g.GroupId);
    let lists: ReadonlyMap<string, PrefixList> | undefined;
    let listError: string | undefined;
    if (groups.some(usesPrefixLists)) {
      try {
        lists = await prefixLists(ctx);
      } catch (err) {
        listError = describeError(err);
      }
    }
    return groups.map((group): Finding => {
      const label = `Security group ${group.GroupId} (${group.GroupName ?? 'unnamed'}${group.VpcId ? ` in ${group.VpcId}` : ''})`;
      const { exposures, unreadable } = internetExposures(group, lists);
      if (exposures.length > 0) return { resource: group.GroupId!, status: 'FAIL', message: `${label} allows ${exposures.join('; ')}.` };
      if (unreadable.length > 0) {
        const why = listError ? `the prefix lists could not be read (${listError})` : 'they were not found in the region';
        return { resource: group.GroupId!, status: 'ERROR', message: `${label} opens administrative or database ports to prefix list ${unreadable.join(', ')}, and ${why}.` };
      }
      return { resource: group.GroupId!, status: 'PASS', message: `${label} opens no administrative or database port to the internet.` };
    });
  },
};
