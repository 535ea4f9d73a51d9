import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsAccess } from '../../../src/aws/clients';
import { acmCertificateExpiry } from '../../../src/checks/dataprotection/acmCertificateExpiry';
import { elbv2ListenerEncrypted } from '../../../src/checks/dataprotection/elbListenerEncryption';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

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
    it('passes HTTPS listeners and HTTP-to-HTTPS redirects, fails plain HTTP forwarding', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const elb = aws.client(ElasticLoadBalancingV2Client, 'us-east-1');
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
      const subnets = await Promise.all(
        ['us-east-1a', 'us-east-1b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!),
      );
      const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets }))).LoadBalancers![0].LoadBalancerArn!;
      const tg = (await elb.send(new CreateTargetGroupCommand({ Name: 'shop-web', Protocol: 'HTTP', Port: 80, VpcId: vpc }))).TargetGroups![0].TargetGroupArn!;
      const { arn: certificate } = await importCertificate();
      const listener = async (input: Omit<ConstructorParameters<typeof CreateListenerCommand>[0], 'LoadBalancerArn'>) =>
        (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, ...input }))).Listeners![0].ListenerArn!;
      const https = await listener({ Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: certificate }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
      const redirect = await listener({ Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] });
      const plain = await listener({ Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });

      const report = await scanChecks([elbv2ListenerEncrypted], { aws });
      const httpsResult = resultFor(report, 'elbv2_listener_encrypted', https);
      expect(httpsResult.status).toBe('PASS');
      expect(httpsResult.message).toContain('ELBSecurityPolicy-TLS13-1-2-2021-06');
      expect(resultFor(report, 'elbv2_listener_encrypted', redirect).status).toBe('PASS');
      const plainResult = resultFor(report, 'elbv2_listener_encrypted', plain);
      expect(plainResult.status).toBe('FAIL');
      expect(plainResult.message).toContain('Listener HTTP:8080 of shop serves plain HTTP');
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
