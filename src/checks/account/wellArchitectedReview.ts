import { paginateListLensReviews, paginateListWorkloads, WellArchitectedClient, type LensReviewSummary } from '@aws-sdk/client-wellarchitected';
import pLimit from 'p-limit';
import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import { describeError } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

const DAY_MS = 86_400_000;
/** ListLensReviews calls in flight at once in one region. */
const LENS_REVIEW_CONCURRENCY = 8;

export interface WorkloadReview {
  arn: string;
  name: string;
  region: string;
  /** The lenses applied to the workload, as ListWorkloads names them. */
  lenses: string[];
  /** The workload's FTR lens review; null when the FTR lens is not applied. */
  ftrReview: Fact<LensReviewSummary | null>;
}

/**
 * The FTR lens. AWS lenses are named by alias (`serverless`) or ARN (`…:lens/serverless`); the FTR
 * lens has also been handed to partners as a custom lens (ARN with a generated id), so its name
 * is matched as well.
 */
export function isFtrLens(review: LensReviewSummary): boolean {
  const ids = [review.LensAlias, review.LensArn].flatMap((id) => (id ? [id.slice(id.lastIndexOf('/') + 1)] : []));
  return ids.some((id) => /^(ftr|foundationaltechnicalreview)$/i.test(id)) || /foundational technical review|\bFTR\b/i.test(review.LensName ?? '');
}

/** The region's workloads, each with its FTR lens review (one ListLensReviews walk per workload, once per scan). */
export const workloadReviews = defineInventory<WorkloadReview[]>('wellarchitected.workloadReviews', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(WellArchitectedClient, region);
  const limit = pLimit(LENS_REVIEW_CONCURRENCY);
  const pending: Array<Promise<WorkloadReview>> = [];
  for await (const page of paginateListWorkloads({ client }, {})) {
    for (const w of page.WorkloadSummaries ?? []) {
      if (!w.WorkloadId) continue;
      const workloadId = w.WorkloadId;
      const base = { arn: w.WorkloadArn ?? workloadId, name: w.WorkloadName ?? workloadId, region, lenses: w.Lenses ?? [] };
      pending.push(
        limit(async (): Promise<WorkloadReview> => {
          try {
            let ftr: LensReviewSummary | null = null;
            for await (const reviews of paginateListLensReviews({ client }, { WorkloadId: workloadId })) {
              ftr = (reviews.LensReviewSummaries ?? []).find(isFtrLens) ?? null;
              if (ftr) break;
            }
            return { ...base, ftrReview: { ok: true, value: ftr } };
          } catch (err) {
            // One unreadable workload is an ERROR for that workload; the others are still judged.
            return { ...base, ftrReview: { ok: false, error: describeError(err) } };
          }
        }),
      );
    }
  }
  return Promise.all(pending);
});

type Verdict = 'recent' | 'stale' | 'none' | 'unknown';

interface Judged {
  workload: WorkloadReview;
  verdict: Verdict;
  finding: Finding;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function judge(ctx: CheckContext, workload: WorkloadReview): Judged {
  const { arn: resource, name } = workload;
  const maxAgeDays = ctx.thresholds.wellArchitectedReviewMaxAgeDays;
  const result = (verdict: Verdict, status: Finding['status'], message: string): Judged => ({ workload, verdict, finding: { resource, status, message } });
  if (!workload.ftrReview.ok) return result('unknown', 'ERROR', `The lens reviews of workload ${name} could not be read (${workload.ftrReview.error}).`);
  const review = workload.ftrReview.value;
  if (!review) {
    const lenses = workload.lenses.length > 0 ? workload.lenses.join(', ') : 'none listed';
    return result('none', 'NOT_APPLICABLE', `Workload ${name} has no FTR lens review (lenses: ${lenses}), so it is no evidence for FTR-2.1.`);
  }
  if (!review.UpdatedAt) return result('unknown', 'ERROR', `Workload ${name} has the FTR lens but no last update date, so the age of its review is unknown.`);
  const ageDays = Math.floor((ctx.now().getTime() - review.UpdatedAt.getTime()) / DAY_MS);
  return ageDays <= maxAgeDays
    ? result('recent', 'PASS', `Workload ${name}'s FTR lens review was last updated on ${day(review.UpdatedAt)} (${ageDays} days ago, within ${maxAgeDays}).`)
    : result('stale', 'FAIL', `Workload ${name}'s FTR lens review was last updated on ${day(review.UpdatedAt)}, ${ageDays} days ago (more than ${maxAgeDays}).`);
}

/** How many workloads a verdict names before summarising the rest. */
const NAMED_WORKLOADS = 10;

function describeWorkloads(judged: Judged[]): string {
  const described = judged.slice(0, NAMED_WORKLOADS).map(({ workload, verdict }) => {
    const review = workload.ftrReview.ok ? workload.ftrReview.value : null;
    const detail = verdict === 'none' ? 'no FTR lens' : review?.UpdatedAt ? `FTR review ${day(review.UpdatedAt)}` : 'FTR review date unknown';
    return `${workload.name} (${workload.region}, ${detail})`;
  });
  const more = judged.length > NAMED_WORKLOADS ? ` and ${judged.length - NAMED_WORKLOADS} more` : '';
  return `${described.join(', ')}${more}`;
}

/** The account-wide verdict: one recent FTR lens review in any scanned region is enough. */
function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<WorkloadReview[]>>): Finding {
  const judged = perRegion.flatMap((r) => (r.fact.ok ? r.fact.value.map((w) => judge(ctx, w)) : []));
  const maxAgeDays = ctx.thresholds.wellArchitectedReviewMaxAgeDays;
  const verdict = (status: Finding['status'], message: string): Finding => ({ resource: 'account', status, message });
  const recent = judged.filter((j) => j.verdict === 'recent');
  if (recent.length > 0) {
    return verdict('PASS', `${recent.length} workload(s) have an FTR lens review updated within ${maxAgeDays} days: ${describeWorkloads(recent)}.`);
  }
  const unreadable = unreadableRegions(perRegion);
  const unknown = judged.filter((j) => j.verdict === 'unknown');
  if (unreadable || unknown.length > 0) {
    const what = [unreadable ? `the workloads of ${unreadable}` : '', unknown.length > 0 ? `the reviews of ${describeWorkloads(unknown)}` : ''].filter(Boolean);
    return verdict('ERROR', `No FTR lens review within ${maxAgeDays} days was found, but ${what.join(' and ')} could not be read.`);
  }
  if (judged.length === 0) return verdict('FAIL', `No Well-Architected workload exists in any of the ${ctx.regions.length} scanned region(s), so no FTR lens review is recorded.`);
  return verdict('FAIL', `No workload has an FTR lens review updated within ${maxAgeDays} days; workloads found: ${describeWorkloads(judged)}.`);
}

export const wellArchitectedFtrReviewRecent: Check = {
  id: 'wellarchitected_ftr_review_recent',
  refs: ['FTR-2.1'],
  title: 'A Well-Architected review with the FTR lens is recent',
  severity: 'medium',
  rationale: quote('FTR-2.1'),
  remediation:
    'In the Well-Architected Tool, apply the FTR lens to the production workload, answer its questions, and update the review at least once within the configured window.',
  scope: 'regional',
  kind: 'automated',
  actions: ['wellarchitected:ListLensReviews', 'wellarchitected:ListWorkloads'],
  async run(ctx): Promise<Finding[]> {
    return regionalFindingsWithVerdict(ctx, workloadReviews, {
      what: 'Well-Architected workloads',
      evaluate: (workloads) => workloads.map((w) => judge(ctx, w).finding),
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
