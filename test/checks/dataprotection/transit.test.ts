import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerPolicyCommand,
  ElasticLoadBalancingClient,
  SetLoadBalancerPoliciesOfListenerCommand,
  type Listener as ClassicListener,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsAccess } from '../../../src/aws/clients';
import { acmCertificateExpiry } from '../../../src/checks/dataprotection/acmCertificateExpiry';
import { elbv2ListenerEncrypted } from '../../../src/checks/dataprotection/elbListenerEncryption';
import { s3BucketSecureTransport } from '../../../src/checks/dataprotection/s3SecureTransport';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createClassicLoadBalancer, denyCalls, expectDeclaredActions } from '../network/loadBalancerFixtures';
import { createBucket, putBucketPolicy } from '../s3/support';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

describe('encryption in transit checks (FTR-12.3, WAS-DP-2) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function importCertificate(): Promise<{ arn: string; notAfter: Date }> {
    const out = await aws
      .client(ACMClient, 'us-east-1')
      .send(new ImportCertificateCommand({ Certificate: fixture('test-only-selfsigned.cert.pem'), PrivateKey: fixture('test-only-selfsigned.key.pem') }));
    return { arn: out.CertificateArn!, notAfter: new Date(new X509Certificate(fixture('test-only-selfsigned.cert.pem')).validTo) };
  }

  describe('elbv2_listener_encrypted', () => {
    const ID = 'elbv2_listener_encrypted';
    type ListenerInput = Omit<ConstructorParameters<typeof CreateListenerCommand>[0], 'LoadBalancerArn'>;

    /** An ALB named shop with a target group and an imported certificate, and a way to add listeners to it. */
    async function shop(type: 'application' | 'network' = 'application') {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const elb = aws.client(ElasticLoadBalancingV2Client, 'us-east-1');
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
      const subnets = await Promise.all(
        ['us-east-1a', 'us-east-1b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!),
      );
      const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets, Type: type }))).LoadBalancers![0].LoadBalancerArn!;
      const protocol = type === 'application' ? 'HTTP' : 'TCP';
      const tg = (await elb.send(new CreateTargetGroupCommand({ Name: 'shop-web', Protocol: protocol, Port: 80, VpcId: vpc }))).TargetGroups![0].TargetGroupArn!;
      const { arn: certificate } = await importCertificate();
      const listener = async (input: ListenerInput) => (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, ...input }))).Listeners![0].ListenerArn!;
      const rule = (listenerArn: string, priority: number, actions: Action[]) =>
        elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: [{ Field: 'path-pattern', Values: [`/p${priority}/*`] }], Actions: actions }));
      return { tg, certificate, listener, rule };
    }
    const toHttps: ListenerInput = { Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] };

    it('passes HTTPS listeners and HTTP-to-HTTPS redirects, fails plain HTTP forwarding', async () => {
      const { tg, certificate, listener } = await shop();
      const https = await listener({ Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
      const redirect = await listener(toHttps);
      const plain = await listener({ Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });

      const report = await scanChecks([elbv2ListenerEncrypted], { aws });
      const httpsResult = resultFor(report, ID, https);
      expect(httpsResult.status).toBe('PASS');
      expect(httpsResult.message).toBe('Listener HTTPS:443 of shop terminates TLS with policy ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2, TLS 1.3).');
      expect(resultFor(report, ID, redirect).status).toBe('PASS');
      const plainResult = resultFor(report, ID, plain);
      expect(plainResult.status).toBe('FAIL');
      expect(plainResult.message).toBe('Listener HTTP:8080 of shop serves plain HTTP instead of redirecting to HTTPS: by default it forwards plain HTTP to targets.');
      await expectDeclaredActions(elbv2ListenerEncrypted);
    });

    it('fails an HTTP listener that redirects by default but has a rule forwarding plain HTTP or redirecting to HTTP', async () => {
      const { tg, listener, rule } = await shop();
      const leaky = await listener(toHttps);
      await rule(leaky, 10, [{ Type: 'forward', TargetGroupArn: tg }]);
      await rule(leaky, 20, [{ Type: 'redirect', RedirectConfig: { Host: 'legacy.example.com', StatusCode: 'HTTP_302' } }]);
      const answered = await listener({ ...toHttps, Port: 8080 });
      await rule(answered, 10, [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]);
      await rule(answered, 20, [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }]);

      const report = await scanChecks([elbv2ListenerEncrypted], { aws });
      const fail = resultFor(report, ID, leaky);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toBe('Listener HTTP:80 of shop redirects to HTTPS by default, but rule 10 forwards plain HTTP to targets and rule 20 redirects to plain HTTP.');
      expect(resultFor(report, ID, answered)).toMatchObject({ status: 'PASS', message: 'Listener HTTP:8080 of shop redirects every request to HTTPS or answers it with a fixed response.' });
      expect(report.summary.awsRequests.byOperation['elasticloadbalancingv2:DescribeRules']).toBe(2);
    });

    it('reports ERROR, not PASS, for a redirecting HTTP listener whose rules cannot be read', async () => {
      const { listener } = await shop();
      const redirect = await listener(toHttps);
      denyCalls(aws, ElasticLoadBalancingV2Client, 'DescribeRulesCommand');
      const result = resultFor(await scanChecks([elbv2ListenerEncrypted], { aws }), ID, redirect);
      expect(result.status).toBe('ERROR');
      expect(result.message).toMatch(/^Listener HTTP:80 of shop redirects to HTTPS by default, but its rules could not be read: access denied/);
    });

    it('fails HTTPS and TLS listeners whose security policy allows TLS 1.0 or 1.1, naming the policy and the versions', async () => {
      const { tg, certificate, listener } = await shop();
      const legacy = await listener({ Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
      // Without a policy, the API gives an HTTPS listener ELBSecurityPolicy-2016-08.
      const unspecified = await listener({ Protocol: 'HTTPS', Port: 8443, Certificates: [{ CertificateArn: certificate }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });

      const report = await scanChecks([elbv2ListenerEncrypted], { aws });
      for (const [arn, port] of [[legacy, 443], [unspecified, 8443]] as const) {
        const result = resultFor(report, ID, arn);
        expect(result.status).toBe('FAIL');
        expect(result.message).toBe(`Listener HTTPS:${port} of shop uses security policy ELBSecurityPolicy-2016-08, which still allows TLS 1.0, TLS 1.1.`);
      }
      expect(report.summary.awsRequests.byOperation['elasticloadbalancingv2:DescribeSSLPolicies']).toBe(1);
    });

    it('fails a Network Load Balancer TLS listener with a policy allowing TLS 1.1', async () => {
      const { tg, certificate, listener } = await shop('network');
      const tls = await listener({ Protocol: 'TLS', Port: 443, Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-TLS-1-1-2017-01', DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
      const result = resultFor(await scanChecks([elbv2ListenerEncrypted], { aws }), ID, tls);
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe('Listener TLS:443 of shop uses security policy ELBSecurityPolicy-TLS-1-1-2017-01, which still allows TLS 1.1.');
    });

    it('reports ERROR, not PASS, for an HTTPS listener whose policy protocols cannot be read', async () => {
      const { tg, certificate, listener } = await shop();
      const https = await listener({ Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
      denyCalls(aws, ElasticLoadBalancingV2Client, 'DescribeSSLPoliciesCommand');
      const result = resultFor(await scanChecks([elbv2ListenerEncrypted], { aws }), ID, https);
      expect(result.status).toBe('ERROR');
      expect(result.message).toMatch(/^Listener HTTPS:443 of shop uses security policy ELBSecurityPolicy-TLS13-1-2-2021-06, whose protocols could not be read: access denied/);
    });

    describe('classic load balancers', () => {
      const classic = (name: string, listeners: ClassicListener[]) => createClassicLoadBalancer(aws, name, listeners);
      const elb = () => aws.client(ElasticLoadBalancingClient, 'us-east-1');
      async function negotiation(lb: string, port: number, policy: string, attributes: Record<string, string>) {
        await elb().send(
          new CreateLoadBalancerPolicyCommand({
            LoadBalancerName: lb,
            PolicyName: policy,
            PolicyTypeName: 'SSLNegotiationPolicyType',
            PolicyAttributes: Object.entries(attributes).map(([AttributeName, AttributeValue]) => ({ AttributeName, AttributeValue })),
          }),
        );
        await elb().send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: lb, LoadBalancerPort: port, PolicyNames: [policy] }));
      }
      // AWS describes a policy made from a predefined one with every protocol attribute spelled out.
      const tls12Only = { 'Protocol-SSLv3': 'false', 'Protocol-TLSv1': 'false', 'Protocol-TLSv1.1': 'false', 'Protocol-TLSv1.2': 'true', 'Reference-Security-Policy': 'ELBSecurityPolicy-TLS-1-2-2017-01' };

      it('judges every listener of each classic load balancer, reported under its ARN', async () => {
        const { arn: certificate } = await importCertificate();
        const https = (Protocol: string, LoadBalancerPort: number): ClassicListener => ({ Protocol, LoadBalancerPort, InstancePort: 80, InstanceProtocol: 'HTTP', SSLCertificateId: certificate });
        const modern = await classic('modern', [https('HTTPS', 443)]);
        await negotiation('modern', 443, 'tls12', tls12Only);
        const mixed = await classic('mixed', [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }, https('HTTPS', 443)]);
        await negotiation('mixed', 443, 'tls12', tls12Only);
        const edited = await classic('edited', [https('SSL', 443)]);
        await negotiation('edited', 443, 'edited', { ...tls12Only, 'Protocol-TLSv1': 'true' });
        const referenced = await classic('referenced', [https('HTTPS', 443)]);
        await negotiation('referenced', 443, 'default', { 'Reference-Security-Policy': 'ELBSecurityPolicy-2016-08' });
        const custom = await classic('custom', [https('HTTPS', 443)]);
        await negotiation('custom', 443, 'my-ciphers', { 'Protocol-SSLv3': 'true', 'Protocol-TLSv1.2': 'true' });
        const passThrough = await classic('passthrough', [{ Protocol: 'TCP', LoadBalancerPort: 443, InstancePort: 443 }]);

        const report = await scanChecks([elbv2ListenerEncrypted], { aws });
        expect(resultFor(report, ID, modern)).toMatchObject({
          status: 'PASS',
          message: 'Classic load balancer modern: listener HTTPS:443 terminates TLS with policy ELBSecurityPolicy-TLS-1-2-2017-01 (TLS 1.2).',
        });
        expect(resultFor(report, ID, mixed)).toMatchObject({
          status: 'FAIL',
          message:
            'Classic load balancer mixed: listener HTTP:80 serves plain HTTP, which a Classic Load Balancer cannot redirect to HTTPS; listener HTTPS:443 terminates TLS with policy ELBSecurityPolicy-TLS-1-2-2017-01 (TLS 1.2).',
        });
        // The protocol attributes decide, not the name of the policy the configuration started from.
        expect(resultFor(report, ID, edited)).toMatchObject({
          status: 'FAIL',
          message: 'Classic load balancer edited: listener SSL:443 uses security policy ELBSecurityPolicy-TLS-1-2-2017-01, which still allows TLS 1.0.',
        });
        expect(resultFor(report, ID, referenced)).toMatchObject({
          status: 'FAIL',
          message: 'Classic load balancer referenced: listener HTTPS:443 uses security policy ELBSecurityPolicy-2016-08, which still allows TLS 1.0, TLS 1.1.',
        });
        expect(resultFor(report, ID, custom)).toMatchObject({
          status: 'FAIL',
          message: 'Classic load balancer custom: listener HTTPS:443 uses security policy my-ciphers, which still allows SSL 3.0.',
        });
        expect(resultFor(report, ID, passThrough).status).toBe('MANUAL');
        expect(report.summary.awsRequests.byOperation['elasticloadbalancing:DescribeLoadBalancerPolicies']).toBe(5);
        await expectDeclaredActions(elbv2ListenerEncrypted);
      });

      it('reports ERROR, not PASS, for a classic TLS listener whose negotiation policy is missing or unreadable', async () => {
        const { arn: certificate } = await importCertificate();
        const listener: ClassicListener = { Protocol: 'HTTPS', LoadBalancerPort: 443, InstancePort: 80, SSLCertificateId: certificate };
        const unlisted = await classic('unlisted', [listener]);
        const denied = await classic('denied', [listener]);
        await negotiation('denied', 443, 'tls12', tls12Only);
        denyCalls(aws, ElasticLoadBalancingClient, 'DescribeLoadBalancerPoliciesCommand', (input) => input.LoadBalancerName === 'denied');

        const report = await scanChecks([elbv2ListenerEncrypted], { aws });
        expect(resultFor(report, ID, unlisted)).toMatchObject({
          status: 'ERROR',
          message: 'Classic load balancer unlisted: listener HTTPS:443 reports no SSL negotiation policy, so the TLS versions it accepts are unknown.',
        });
        const error = resultFor(report, ID, denied);
        expect(error.status).toBe('ERROR');
        expect(error.message).toMatch(/^Classic load balancer denied: listener HTTPS:443 has policies that could not be read: access denied/);
      });

      it('still judges ALB listeners when classic load balancers cannot be listed', async () => {
        const { tg, listener } = await shop();
        const plain = await listener({ Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
        denyCalls(aws, ElasticLoadBalancingClient, 'DescribeLoadBalancersCommand');
        const report = await scanChecks([elbv2ListenerEncrypted], { aws });
        expect(resultFor(report, ID, plain).status).toBe('FAIL');
        const error = resultFor(report, ID, 'account');
        expect(error.status).toBe('ERROR');
        expect(error.message).toMatch(/^Could not list the classic load balancers of us-east-1: access denied/);
      });
    });
  });

  describe('s3_bucket_secure_transport_policy', () => {
    const ID = 's3_bucket_secure_transport_policy';
    const denyHttp = (bucket: string, extra: object = {}) => ({
      Sid: 'DenyPlainHttp',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      ...extra,
    });

    it('passes only a deny on plain HTTP that no other condition, principal or action list narrows', async () => {
      const policies: Record<string, object[]> = {
        'if-exists': [denyHttp('if-exists', { Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })],
        'office-only': [denyHttp('office-only', { Condition: { Bool: { 'aws:SecureTransport': 'false' }, IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } })],
        'one-prefix': [denyHttp('one-prefix', { Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringLike: { 's3:prefix': 'reports/*' } } })],
        'writes-only': [denyHttp('writes-only', { Action: ['s3:PutObject', 's3:DeleteObject'] })],
        'allow-tls': [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::allow-tls/*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
        'tls-version': [denyHttp('tls-version', { Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } })],
      };
      for (const [bucket, statements] of Object.entries(policies)) {
        await createBucket(aws, bucket);
        await putBucketPolicy(aws, bucket, statements);
      }
      const report = await scanChecks([s3BucketSecureTransport], { aws });
      expect(resultFor(report, ID, 'arn:aws:s3:::if-exists')).toMatchObject({
        status: 'PASS',
        message: 'Bucket if-exists denies every request not sent over TLS (aws:SecureTransport false, statement "DenyPlainHttp").',
      });
      const reasons: Record<string, string> = {
        'office-only': 'statement "DenyPlainHttp" applies only when IpAddress aws:SourceIp also matches',
        'one-prefix': 'statement "DenyPlainHttp" applies only when StringLike s3:prefix also matches',
        'writes-only': 'statement "DenyPlainHttp" covers only s3:PutObject, s3:DeleteObject instead of s3:*',
        'allow-tls': 'an Allow conditioned on aws:SecureTransport true is no refusal, since other grants can still allow plain HTTP',
        'tls-version': 'its s3:TlsVersion condition sets a minimum TLS version but does not refuse requests sent without TLS',
      };
      for (const [bucket, reason] of Object.entries(reasons)) {
        expect(resultFor(report, ID, `arn:aws:s3:::${bucket}`)).toMatchObject({
          status: 'FAIL',
          message: `Bucket ${bucket}'s policy does not deny plain-HTTP requests to the bucket and all of its objects: ${reason}.`,
        });
      }
      await expectDeclaredActions(s3BucketSecureTransport);
    });
  });

  describe('acm_certificate_expiry', () => {
    const DAY = 86_400_000;

    it('fails a certificate inside the expiry window', async () => {
      const { arn, notAfter } = await importCertificate();
      const report = await scanChecks([acmCertificateExpiry], { aws, now: () => new Date(notAfter.getTime() - 10 * DAY - 3600_000) });
      const result = resultFor(report, 'acm_certificate_expiry', arn);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(`expires on ${notAfter.toISOString().slice(0, 10)}, in 10 days (under 30)`);
    });

    it('fails an expired certificate', async () => {
      const { arn, notAfter } = await importCertificate();
      const report = await scanChecks([acmCertificateExpiry], { aws, now: () => new Date(notAfter.getTime() + 2 * DAY) });
      const result = resultFor(report, 'acm_certificate_expiry', arn);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(`expired on ${notAfter.toISOString().slice(0, 10)}`);
    });

    it('passes a certificate valid beyond the window, and honours the configured window', async () => {
      const { arn, notAfter } = await importCertificate();
      const now = () => new Date(notAfter.getTime() - 45 * DAY);
      const result = resultFor(await scanChecks([acmCertificateExpiry], { aws, now }), 'acm_certificate_expiry', arn);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('valid until');
      const stricter = await scanChecks([acmCertificateExpiry], { aws, now, thresholds: { certificateExpiryDays: 60 } });
      expect(resultFor(stricter, 'acm_certificate_expiry', arn).status).toBe('FAIL');
    });
  });
});
