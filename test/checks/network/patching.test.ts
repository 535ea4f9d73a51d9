import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ListResourceComplianceSummariesCommand, SSMClient, type ResourceComplianceSummaryItem } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { ssmPatchCompliance } from '../../../src/checks/network/patchCompliance';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const CHECK = 'ssm_managed_compliant_patching';
const instanceArn = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:instance/${id}`;
/** Nine days after the summaries' scan time. */
const NOW = () => new Date('2025-03-10T12:00:00Z');

// moto has no Systems Manager compliance API (ListResourceComplianceSummaries answers 500 "not implemented"),
// so SSM is mocked with the API reference's shapes; the EC2 instances come from moto.
describe('ssm_managed_compliant_patching (WAS-INF-1)', () => {
  const ssm = mockClient(SSMClient);
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => {
    ssm.reset();
    aws.destroy();
  });
  afterAll(() => ssm.restore());

  async function launch(count: number): Promise<string[]> {
    const out = await aws.client(EC2Client, 'us-east-1').send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: count, MaxCount: count }));
    return out.Instances!.map((i) => i.InstanceId!);
  }

  const summary = (id: string, status: 'COMPLIANT' | 'NON_COMPLIANT', missing = 0, scannedAt: Date | null = new Date('2025-03-01T02:00:00Z')): ResourceComplianceSummaryItem => ({
    ComplianceType: 'Patch',
    ResourceType: 'ManagedInstance',
    ResourceId: id,
    Status: status,
    OverallSeverity: missing > 0 ? 'CRITICAL' : 'UNSPECIFIED',
    ExecutionSummary: scannedAt ? { ExecutionTime: scannedAt, ExecutionType: 'Command' } : undefined,
    CompliantSummary: { CompliantCount: 12, SeveritySummary: { CriticalCount: 0, HighCount: 0, MediumCount: 0, LowCount: 0, InformationalCount: 0, UnspecifiedCount: 12 } },
    NonCompliantSummary: { NonCompliantCount: missing, SeveritySummary: { CriticalCount: missing > 0 ? 1 : 0, HighCount: Math.max(missing - 1, 0), MediumCount: 0, LowCount: 0, InformationalCount: 0, UnspecifiedCount: 0 } },
  });

  it('passes compliant nodes, fails non-compliant ones and running instances with no patch data, across pages', async () => {
    const [compliant, behind, unmanaged] = await launch(3);
    ssm
      .on(ListResourceComplianceSummariesCommand)
      .resolvesOnce({ ResourceComplianceSummaryItems: [summary(compliant, 'COMPLIANT')], NextToken: 'page-2' })
      .resolvesOnce({ ResourceComplianceSummaryItems: [summary(behind, 'NON_COMPLIANT', 3), summary('mi-0123456789abcdef0', 'NON_COMPLIANT', 1)] });

    const report = await scanChecks([ssmPatchCompliance], { aws, now: NOW });
    expect(resultFor(report, CHECK, instanceArn(compliant)).message).toBe(`Managed node ${compliant} is patch compliant, last scanned 2025-03-01 (9 days ago).`);
    expect(resultFor(report, CHECK, instanceArn(compliant)).status).toBe('PASS');
    const behindResult = resultFor(report, CHECK, instanceArn(behind));
    expect(behindResult.status).toBe('FAIL');
    expect(behindResult.message).toBe(`Managed node ${behind} is not patch compliant: 3 missing patches (1 critical, 2 high), last scanned 2025-03-01 (9 days ago).`);
    expect(resultFor(report, CHECK, `arn:aws:ssm:us-east-1:${ACCOUNT_ID}:managed-instance/mi-0123456789abcdef0`).status).toBe('FAIL');
    const unmanagedResult = resultFor(report, CHECK, instanceArn(unmanaged));
    expect(unmanagedResult.status).toBe('FAIL');
    expect(unmanagedResult.message).toContain('not managed by Systems Manager');
    expect(ssm.commandCalls(ListResourceComplianceSummariesCommand)[0].args[0].input.Filters).toEqual([{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }]);
  });

  it('fails a compliant node whose compliance data is older than patchComplianceMaxAgeDays, saying how old it is', async () => {
    const [stale, fresh, undated] = await launch(3);
    ssm.on(ListResourceComplianceSummariesCommand).resolves({
      ResourceComplianceSummaryItems: [
        summary(stale, 'COMPLIANT', 0, new Date('2025-01-15T02:00:00Z')),
        summary(fresh, 'COMPLIANT', 0, new Date('2025-02-20T02:00:00Z')),
        summary(undated, 'COMPLIANT', 0, null),
      ],
    });
    const report = await scanChecks([ssmPatchCompliance], { aws, now: NOW });
    const staleResult = resultFor(report, CHECK, instanceArn(stale));
    expect(staleResult.status).toBe('FAIL');
    expect(staleResult.message).toBe(
      `Managed node ${stale} was last scanned by Patch Manager on 2025-01-15, 54 days ago (more than 30): its compliant status is too old to show that patching still runs.`,
    );
    expect(resultFor(report, CHECK, instanceArn(fresh)).status).toBe('PASS');
    const undatedResult = resultFor(report, CHECK, instanceArn(undated));
    expect(undatedResult.status).toBe('ERROR');
    expect(undatedResult.message).toContain('without a scan time');

    const stricter = await scanChecks([ssmPatchCompliance], { aws, now: NOW, thresholds: { patchComplianceMaxAgeDays: 7 } });
    expect(resultFor(stricter, CHECK, instanceArn(fresh)).status).toBe('FAIL');
    expect(resultFor(stricter, CHECK, instanceArn(fresh)).message).toContain('18 days ago (more than 7)');
  });

  it('fails every running instance when no node reports patch compliance', async () => {
    const instances = await launch(2);
    ssm.on(ListResourceComplianceSummariesCommand).resolves({ ResourceComplianceSummaryItems: [] });
    const report = await scanChecks([ssmPatchCompliance], { aws });
    for (const id of instances) {
      const result = resultFor(report, CHECK, instanceArn(id));
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe(`Running instance ${id} reports no patch compliance: it is not managed by Systems Manager or was never scanned by Patch Manager.`);
    }
  });

  it('has nothing to evaluate in a region without instances', async () => {
    ssm.on(ListResourceComplianceSummariesCommand).resolves({ ResourceComplianceSummaryItems: [] });
    const report = await scanChecks([ssmPatchCompliance], { aws });
    expect(report.results.map((r) => r.status)).toEqual(['NOT_APPLICABLE']);
  });

  it('reports ERROR when Systems Manager cannot be read', async () => {
    await launch(1);
    ssm.on(ListResourceComplianceSummariesCommand).rejects(Object.assign(new Error('User is not authorized to perform: ssm:ListResourceComplianceSummaries'), { name: 'AccessDeniedException' }));
    const report = await scanChecks([ssmPatchCompliance], { aws });
    expect(report.results.map((r) => r.status)).toEqual(['ERROR']);
  });
});
