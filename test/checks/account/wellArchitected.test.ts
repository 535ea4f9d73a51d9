import { ListWorkloadsCommand, WellArchitectedClient, type WorkloadSummary } from '@aws-sdk/client-wellarchitected';
import { mockClient } from 'aws-sdk-client-mock';
import { wellArchitectedFtrReviewRecent } from '../../../src/checks/account/wellArchitectedReview';
import { ACCOUNT_ID, resultFor, scanChecks } from '../../support/aws';

// moto has no Well-Architected Tool API: responses follow the API reference (ListWorkloads → WorkloadSummaries).
const wellArchitected = mockClient(WellArchitectedClient);
afterEach(() => wellArchitected.reset());
afterAll(() => wellArchitected.restore());

const NOW = new Date('2025-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const CHECK = wellArchitectedFtrReviewRecent.id;

function workload(name: string, lenses: string[], updatedDaysAgo: number, region = 'us-east-1'): WorkloadSummary {
  return {
    WorkloadId: `id-${name}`,
    WorkloadArn: `arn:aws:wellarchitected:${region}:${ACCOUNT_ID}:workload/id-${name}`,
    WorkloadName: name,
    Owner: ACCOUNT_ID,
    UpdatedAt: daysAgo(updatedDaysAgo),
    Lenses: lenses,
  };
}

describe('wellarchitected_ftr_review_recent (mocked Well-Architected API)', () => {
  it('judges every FTR-lens workload across pages by its last update', async () => {
    const recent = workload('shop', ['wellarchitected', 'ftr'], 30);
    const stale = workload('legacy', ['arn:aws:wellarchitected::aws:lens/ftr'], 400);
    const other = workload('sandbox', ['wellarchitected', 'serverless'], 1);
    wellArchitected
      .on(ListWorkloadsCommand)
      .resolves({ WorkloadSummaries: [recent, other], NextToken: 'page-2' })
      .on(ListWorkloadsCommand, { NextToken: 'page-2' })
      .resolves({ WorkloadSummaries: [stale] });
    const report = await scanChecks([wellArchitectedFtrReviewRecent], { now: () => NOW });
    const pass = resultFor(report, CHECK, recent.WorkloadArn!);
    expect(pass.status).toBe('PASS');
    expect(pass.message).toContain('2025-05-31');
    const fail = resultFor(report, CHECK, stale.WorkloadArn!);
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toContain('400 days ago');
    expect(report.results.filter((r) => r.checkId === CHECK)).toHaveLength(2);
  });

  it('honours the configured maximum age', async () => {
    const reviewed = workload('shop', ['ftr'], 100);
    wellArchitected.on(ListWorkloadsCommand).resolves({ WorkloadSummaries: [reviewed] });
    const report = await scanChecks([wellArchitectedFtrReviewRecent], { now: () => NOW, thresholds: { wellArchitectedReviewMaxAgeDays: 90 } });
    expect(resultFor(report, CHECK, reviewed.WorkloadArn!).status).toBe('FAIL');
  });

  it('fails each region that has no FTR-lens workload, naming the region', async () => {
    wellArchitected.on(ListWorkloadsCommand).resolves({ WorkloadSummaries: [workload('sandbox', ['wellarchitected'], 1)] });
    const report = await scanChecks([wellArchitectedFtrReviewRecent], { now: () => NOW, regions: ['us-east-1', 'eu-west-1'] });
    for (const region of ['us-east-1', 'eu-west-1']) {
      const result = resultFor(report, CHECK, 'account', region);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(`in ${region} has the FTR lens applied (1 workload found)`);
    }
  });

  it('treats a workload without an update date as unknown, not a pass', async () => {
    const undated = { ...workload('shop', ['ftr'], 1), UpdatedAt: undefined };
    wellArchitected.on(ListWorkloadsCommand).resolves({ WorkloadSummaries: [undated] });
    const report = await scanChecks([wellArchitectedFtrReviewRecent], { now: () => NOW });
    expect(resultFor(report, CHECK, undated.WorkloadArn!).status).toBe('ERROR');
  });
});
