import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { AwsAccess } from '../../../src/aws/clients';
import { internetExposures, isInternetWide, securityGroupAdminPortsClosed } from '../../../src/checks/network/adminPortsOpen';
import { defaultSecurityGroupRestricted } from '../../../src/checks/network/defaultSecurityGroup';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const ADMIN_CHECK = 'ec2_securitygroup_allow_ingress_from_internet_to_admin_ports';
const DEFAULT_CHECK = 'ec2_securitygroup_default_restrict_traffic';

describe('security group checks (WAS-INF-3) against moto', () => {
  let aws: AwsAccess;
  let ec2: EC2Client;
  let vpc: string;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
    ec2 = aws.client(EC2Client, 'us-east-1');
    vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  });
  afterEach(() => aws.destroy());

  async function group(name: string, ingress: IpPermission[]): Promise<string> {
    const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc }))).GroupId!;
    if (ingress.length > 0) await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: ingress }));
    return id;
  }

  const world = [{ CidrIp: '0.0.0.0/0' }];

  describe(ADMIN_CHECK, () => {
    it('fails groups opening admin or database ports to the internet, naming ports and CIDRs', async () => {
      const ssh = await group('ssh', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: world }]);
      const range = await group('range', [{ IpProtocol: 'tcp', FromPort: 3300, ToPort: 3400, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
      const everything = await group('everything', [{ IpProtocol: '-1', IpRanges: world }]);
      const netbios = await group('netbios', [{ IpProtocol: 'udp', FromPort: 137, ToPort: 138, IpRanges: world }]);

      const report = await scanChecks([securityGroupAdminPortsClosed], { aws });
      const sshResult = resultFor(report, ADMIN_CHECK, ssh);
      expect(sshResult.status).toBe('FAIL');
      expect(sshResult.message).toBe(`Security group ${ssh} (ssh in ${vpc}) allows tcp 22 from 0.0.0.0/0 (SSH 22).`);
      const rangeResult = resultFor(report, ADMIN_CHECK, range);
      expect(rangeResult.status).toBe('FAIL');
      expect(rangeResult.message).toContain('tcp 3300-3400 from ::/0 (MySQL 3306, RDP 3389)');
      const allResult = resultFor(report, ADMIN_CHECK, everything);
      expect(allResult.status).toBe('FAIL');
      expect(allResult.message).toContain('all traffic from 0.0.0.0/0 (every port)');
      expect(resultFor(report, ADMIN_CHECK, netbios).message).toContain('udp 137-138 from 0.0.0.0/0 (NetBIOS 137, NetBIOS 138)');
    });

    it('fails ranges that are the internet in all but name, and customer prefix lists that hold them', async () => {
      const halves = await group('halves', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] }]);
      const v6 = await group('v6', [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '2000::/3' }] }]);
      const list = (
        await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'partners', AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: '203.0.113.0/24' }, { Cidr: '0.0.0.0/0' }] }))
      ).PrefixList!.PrefixListId!;
      const viaList = await group('via-list', [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: list }] }]);
      const narrowList = (
        await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: '198.51.100.0/24' }] }))
      ).PrefixList!.PrefixListId!;
      const office = await group('office', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: narrowList }] }]);

      const report = await scanChecks([securityGroupAdminPortsClosed], { aws });
      expect(resultFor(report, ADMIN_CHECK, halves).message).toContain('tcp 22 from 0.0.0.0/1 and 128.0.0.0/1 (SSH 22)');
      expect(resultFor(report, ADMIN_CHECK, v6).message).toContain('tcp 3389 from 2000::/3 (RDP 3389)');
      const listed = resultFor(report, ADMIN_CHECK, viaList);
      expect(listed.status).toBe('FAIL');
      expect(listed.message).toContain('tcp 5432 from 0.0.0.0/0 (prefix list partners) (PostgreSQL 5432)');
      expect(resultFor(report, ADMIN_CHECK, office).status).toBe('PASS');
    });

    it('cannot pass a group whose admin-port rule names a prefix list that is not there', async () => {
      const groups = [
        { GroupId: 'sg-0123', GroupName: 'ghost', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-gone' }] }] },
      ];
      expect(internetExposures(groups[0], new Map())).toEqual({ exposures: [], unreadable: ['pl-gone'] });
      expect(internetExposures(groups[0], undefined).unreadable).toEqual(['pl-gone']);
    });

    it('tells internet-wide ranges from private and narrow ones', () => {
      for (const wide of ['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/2', '44.0.0.0/8', '::/0', '::/1', '2000::/3']) expect([wide, isInternetWide(wide)]).toEqual([wide, true]);
      for (const narrow of ['10.0.0.0/8', '172.16.0.0/12', '203.0.113.0/24', '8000::/1', 'fc00::/7', '2001:db8::/32', '44.1.2.3']) {
        expect([narrow, isInternetWide(narrow)]).toEqual([narrow, false]);
      }
    });

    it('passes groups that open only web ports to the internet or admin ports to private ranges', async () => {
      const web = await group('web', [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: world, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: world },
      ]);
      const self = await group('self', []);
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: self, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: self }] }] }));

      const report = await scanChecks([securityGroupAdminPortsClosed], { aws });
      for (const id of [web, self]) {
        const result = resultFor(report, ADMIN_CHECK, id);
        expect(result.status).toBe('PASS');
        expect(result.message).toContain('opens no administrative or database port to the internet');
      }
    });
  });

  describe(DEFAULT_CHECK, () => {
    async function defaultGroup() {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['default'] }] }));
      return out.SecurityGroups![0];
    }

    it('fails a default group with rules and passes an emptied one, ignoring other groups', async () => {
      const other = await group('app', []);
      const emptied = await defaultGroup();
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: emptied.GroupId, IpPermissions: emptied.IpPermissionsEgress }));
      // The region's default VPC keeps its default group's allow-all outbound rule.
      const defaultVpcGroup = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }))).SecurityGroups!.find(
        (g) => g.VpcId !== vpc,
      )!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: defaultVpcGroup.GroupId, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: defaultVpcGroup.GroupId }] }] }),
      );

      const report = await scanChecks([defaultSecurityGroupRestricted], { aws });
      const pass = resultFor(report, DEFAULT_CHECK, emptied.GroupId!);
      expect(pass.status).toBe('PASS');
      expect(pass.message).toBe(`Default security group ${emptied.GroupId} of ${vpc} has no rules, so it allows no traffic.`);
      const fail = resultFor(report, DEFAULT_CHECK, defaultVpcGroup.GroupId!);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toBe(`Default security group ${defaultVpcGroup.GroupId} of ${defaultVpcGroup.VpcId} has 1 inbound rule and 1 outbound rule; it should have none.`);
      expect(report.results.some((r) => r.resource === other)).toBe(false);
    });
  });

  it('lists the security groups once per region for both checks', async () => {
    const report = await scanChecks([securityGroupAdminPortsClosed, defaultSecurityGroupRestricted], { aws, regions: ['us-east-1', 'eu-west-1'] });
    expect(report.summary.awsRequests.byOperation['ec2:DescribeSecurityGroups']).toBe(2);
    expect(report.results.filter((r) => r.checkId === DEFAULT_CHECK && r.region === 'eu-west-1').length).toBeGreaterThan(0);
  });
});
