import { ListLensReviewsCommand, ListWorkloadsCommand, WellArchitectedClient, type LensReviewSummary } from '@aws-sdk/client-wellarchitected';
import { mockClient } from 'aws-sdk-client-mock';
import { wellArchitectedFtrReviewRecent } from '../../../src/checks/account/wellArchitectedReview';
import { ACCOUNT_ID, resultFor, scanChecks } from '../../support/aws';
import { awsError } from './fixtures';

// moto has no Well-Architected Tool API: responses follow the API reference
// (ListWorkloads → WorkloadSummaries; ListLensReviews → LensReviewSummaries), per region.
const wellArchitected = mockClient(WellArchitectedClient);
afterEach(() => wellArchitected.reset());
afterAll(() => wellArchitected.restore());

const NOW = new Date('2025-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const CHECK = wellArchitectedFtrReviewRecent.id;
const REGIONS = ['us-east-1', 'eu-west-1'];

interface FakeWorkload {
  name: string;
  region: string;
  reviews: LensReviewSummary[] | Error;
}
const arnOf = (w: FakeWorkload) => `arn:aws:wellarchitected:${w.region}:${ACCOUNT_ID}:workload/id-${w.name}`;
const lens = (alias: string, updatedDaysAgo: number, name = alias): LensReviewSummary => ({ LensAlias: alias, LensName: name, LensStatus: 'CURRENT', UpdatedAt: daysAgo(updatedDaysAgo) });

/** Serves ListWorkloads (two pages in a region with more than one workload) and ListLensReviews from `workloads`. */
function serve(workloads: FakeWorkload[]) {
  wellArchitected.on(ListWorkloadsCommand).callsFake(async (input, getClient) => {
    const region = await getClient().config.region();
    const here = workloads.filter((w) => w.region === region);
    const page = input.NextToken ? here.slice(1) : here.slice(0, 1);
    return {
      WorkloadSummaries: page.map((w) => ({
        WorkloadId: `id-${w.name}`,
        WorkloadArn: arnOf(w),
        WorkloadName: w.name,
        Owner: ACCOUNT_ID,
        UpdatedAt: daysAgo(1),
        Lenses: Array.isArray(w.reviews) ? w.reviews.map((r) => r.LensAlias!) : [],
      })),
      NextToken: !input.NextToken && here.length > 1 ? 'page-2' : undefined,
    };
  });
  wellArchitected.on(ListLensReviewsCommand).callsFake(async (input) => {
    const workload = workloads.find((w) => `id-${w.name}` === input.WorkloadId)!;
    if (workload.reviews instanceof Error) throw workload.reviews;
    return { WorkloadId: input.WorkloadId, LensReviewSummaries: workload.reviews };
  });
}

const scan = (thresholds = {}) => scanChecks([wellArchitectedFtrReviewRecent], { now: () => NOW, regions: REGIONS, thresholds });

describe('wellarchitected_ftr_review_recent (mocked Well-Architected API)', () => {
  it('passes the account when one workload in any region has a recent FTR lens review, judging every workload', async () => {
    const shop: FakeWorkload = { name: 'shop', region: 'eu-west-1', reviews: [lens('wellarchitected', 2), lens('ftr', 30, 'FTR Lens')] };
    const legacy: FakeWorkload = { name: 'legacy', region: 'us-east-1', reviews: [lens('arn:aws:wellarchitected:us-east-1:123456789012:lens/0a1b2c', 400, 'AWS Foundational Technical Review Lens')] };
    const sandbox: FakeWorkload = { name: 'sandbox', region: 'us-east-1', reviews: [lens('wellarchitected', 1), lens('serverless', 1)] };
    serve([shop, legacy, sandbox]);
    const report = await scan();

    const pass = resultFor(report, CHECK, arnOf(shop));
    expect(pass).toMatchObject({ status: 'PASS', region: 'eu-west-1' });
    expect(pass.message).toContain('last updated on 2025-05-31 (30 days ago, within 365)');
    const stale = resultFor(report, CHECK, arnOf(legacy));
    expect(stale.status).toBe('FAIL');
    expect(stale.message).toContain('400 days ago');
    const other = resultFor(report, CHECK, arnOf(sandbox));
    expect(other.status).toBe('NOT_APPLICABLE');
    expect(other.message).toContain('no FTR lens review (lenses: wellarchitected, serverless)');

    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('PASS');
    expect(account.message).toContain('shop (eu-west-1, FTR review 2025-05-31)');
  });

  it('fails the account when every FTR lens review is older than the configured age, naming the workloads and dates', async () => {
    serve([
      { name: 'shop', region: 'us-east-1', reviews: [lens('ftr', 100)] },
      { name: 'sandbox', region: 'eu-west-1', reviews: [lens('wellarchitected', 1)] },
    ]);
    const report = await scan({ wellArchitectedReviewMaxAgeDays: 90 });
    expect(resultFor(report, CHECK, arnOf({ name: 'shop', region: 'us-east-1', reviews: [] })).status).toBe('FAIL');
    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('FAIL');
    expect(account.message).toBe(
      'No workload has an FTR lens review updated within 90 days; workloads found: shop (us-east-1, FTR review 2025-03-22), sandbox (eu-west-1, no FTR lens).',
    );
  });

  it('fails the account when no region has a workload', async () => {
    serve([]);
    const report = await scan();
    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('FAIL');
    expect(account.message).toContain('No Well-Architected workload exists in any of the 2 scanned region(s)');
    expect(report.results.filter((r) => r.checkId === CHECK && r.status !== 'NOT_APPLICABLE')).toHaveLength(1);
  });

  it('reports an unreadable workload as ERROR and does not fail the account on what it could not see', async () => {
    const locked: FakeWorkload = { name: 'locked', region: 'us-east-1', reviews: awsError('AccessDeniedException', 403) };
    serve([locked, { name: 'sandbox', region: 'eu-west-1', reviews: [lens('wellarchitected', 1)] }]);
    const report = await scan();
    const workload = resultFor(report, CHECK, arnOf(locked));
    expect(workload.status).toBe('ERROR');
    expect(workload.message).toContain('access denied');
    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('ERROR');
    expect(account.message).toContain('locked (us-east-1');
  });

  it('treats an FTR lens review without an update date as unknown, not a pass', async () => {
    const undated: FakeWorkload = { name: 'shop', region: 'us-east-1', reviews: [{ ...lens('ftr', 1), UpdatedAt: undefined }] };
    serve([undated]);
    const report = await scan();
    expect(resultFor(report, CHECK, arnOf(undated)).status).toBe('ERROR');
    expect(resultFor(report, CHECK, 'account', 'global').status).toBe('ERROR');
  });
});
