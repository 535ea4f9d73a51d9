import { CloudFrontClient, CreateDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import { AssociateWebACLCommand, CreateWebACLCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import type { AwsAccess } from '../../../src/aws/clients';
import { cloudfrontDistributionWaf } from '../../../src/checks/network/cloudfrontWaf';
import { elbv2InternetFacingWaf } from '../../../src/checks/network/loadBalancerWaf';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createClassicLoadBalancer, createLoadBalancer, createSubnets, expectDeclaredActions } from './loadBalancerFixtures';

describe('DDoS protection of internet-facing resources (WAS-INF-2) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function webAcl(name: string, scope: 'REGIONAL' | 'CLOUDFRONT'): Promise<string> {
    const out = await aws.client(WAFV2Client, 'us-east-1').send(
      new CreateWebACLCommand({
        Name: name,
        Scope: scope,
        DefaultAction: { Allow: {} },
        Rules: [],
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name },
      }),
    );
    return out.Summary!.ARN!;
  }

  describe('elbv2_internet_facing_waf_enabled', () => {
    it('passes an internet-facing ALB with a web ACL, fails one without and every internet-facing NLB, and skips internal ones', async () => {
      const subnets = await createSubnets(aws);
      const protectedAlb = await createLoadBalancer(aws, subnets, { Name: 'shop', Scheme: 'internet-facing', Type: 'application' });
      const bareAlb = await createLoadBalancer(aws, subnets, { Name: 'legacy', Scheme: 'internet-facing', Type: 'application' });
      const nlb = await createLoadBalancer(aws, subnets, { Name: 'mqtt', Scheme: 'internet-facing', Type: 'network' });
      const internal = await createLoadBalancer(aws, subnets, { Name: 'backend', Scheme: 'internal', Type: 'application' });
      await aws.client(WAFV2Client, 'us-east-1').send(new AssociateWebACLCommand({ WebACLArn: await webAcl('shop-acl', 'REGIONAL'), ResourceArn: protectedAlb.LoadBalancerArn }));

      const report = await scanChecks([elbv2InternetFacingWaf], { aws });
      const pass = resultFor(report, 'elbv2_internet_facing_waf_enabled', protectedAlb.LoadBalancerArn!);
      expect(pass.status).toBe('PASS');
      expect(pass.message).toBe('Internet-facing application load balancer shop is protected by WAF web ACL shop-acl.');
      const bare = resultFor(report, 'elbv2_internet_facing_waf_enabled', bareAlb.LoadBalancerArn!);
      expect(bare.status).toBe('FAIL');
      expect(bare.message).toBe('Internet-facing application load balancer legacy has no WAF web ACL.');
      const network = resultFor(report, 'elbv2_internet_facing_waf_enabled', nlb.LoadBalancerArn!);
      expect(network.status).toBe('FAIL');
      expect(network.message).toContain('no WAF possible on NLB; consider Shield Advanced');
      expect(report.results.some((r) => r.resource === internal.LoadBalancerArn)).toBe(false);
      await expectDeclaredActions(elbv2InternetFacingWaf);
    });

    it('fails an internet-facing classic load balancer, which cannot take a web ACL, and skips an internal one', async () => {
      const http = [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }];
      const exposed = await createClassicLoadBalancer(aws, 'legacy', http);
      const internal = await createClassicLoadBalancer(aws, 'backend', http, 'internal');

      const report = await scanChecks([elbv2InternetFacingWaf], { aws });
      const fail = resultFor(report, 'elbv2_internet_facing_waf_enabled', exposed);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toBe(
        'Internet-facing classic load balancer legacy cannot take a WAF web ACL (AWS WAF does not support Classic Load Balancers; migrate it to an Application Load Balancer with WAF, front it with CloudFront and WAF, or consider Shield Advanced).',
      );
      expect(report.results.some((r) => r.resource === internal)).toBe(false);
    });

    it('reports ERROR, not PASS, for a load balancer that does not say whether it is internet-facing', async () => {
      // moto leaves Scheme out when it is not given at creation; AWS always reports it.
      const lb = await createLoadBalancer(aws, await createSubnets(aws), { Name: 'unknown', Type: 'application' });
      const result = resultFor(await scanChecks([elbv2InternetFacingWaf], { aws }), 'elbv2_internet_facing_waf_enabled', lb.LoadBalancerArn!);
      expect(result.status).toBe('ERROR');
    });
  });

  describe('cloudfront_distributions_using_waf', () => {
    async function distribution(reference: string, webAclId?: string): Promise<string> {
      const config: DistributionConfig = {
        CallerReference: reference,
        Comment: reference,
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: 'site', DomainName: 'site.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
        DefaultCacheBehavior: { TargetOriginId: 'site', ViewerProtocolPolicy: 'redirect-to-https' },
        ...(webAclId ? { WebACLId: webAclId } : {}),
      };
      return (await aws.client(CloudFrontClient, 'us-east-1').send(new CreateDistributionCommand({ DistributionConfig: config }))).Distribution!.ARN!;
    }

    it('passes a distribution with a web ACL and fails one without, as global results', async () => {
      const acl = await webAcl('edge-acl', 'CLOUDFRONT');
      const guarded = await distribution('guarded', acl);
      const open = await distribution('open');

      const report = await scanChecks([cloudfrontDistributionWaf], { aws, regions: ['eu-west-1'] });
      const pass = resultFor(report, 'cloudfront_distributions_using_waf', guarded);
      expect(pass.status).toBe('PASS');
      expect(pass.region).toBe('global');
      expect(pass.message).toContain(`is protected by WAF web ACL ${acl}`);
      const fail = resultFor(report, 'cloudfront_distributions_using_waf', open);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toMatch(/^CloudFront distribution \w+ \(\w+\.cloudfront\.net\) has no WAF web ACL\.$/);
    });
  });
});
