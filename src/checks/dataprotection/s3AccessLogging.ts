import { describeError } from '../../aws/errors';
import { BUCKET_FACTS_ACTIONS, type BucketFacts, type Fact } from '../../aws/inventories/s3BucketFacts';
import { s3Buckets } from '../../aws/inventories/s3Buckets';
import { trailsRecordingIn, type TrailSelectors } from '../../aws/inventories/trailEventSelectors';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { judgeBuckets, type Verdict } from './findings';
import { dataEventCoverage } from './s3DataEvents';

interface TrailCoverage {
  /** Logging trails that record both reads and writes of the bucket's objects. */
  full: string[];
  /** Logging trails that record only reads or only writes. */
  partial: string[];
  /** Trails whose status or selectors could not be read, with the reason. */
  unreadable: string[];
}

function trailCoverage(bucket: string, trails: TrailSelectors[]): TrailCoverage {
  const coverage: TrailCoverage = { full: [], partial: [], unreadable: [] };
  for (const trail of trails) {
    if (!trail.isLogging.ok || !trail.selectors.ok) {
      const reasons = [trail.isLogging, trail.selectors].flatMap((f) => (f.ok ? [] : [f.error]));
      coverage.unreadable.push(`${trail.name} (${reasons.join('; ')})`);
    } else if (trail.isLogging.value) {
      const events = dataEventCoverage(trail.selectors.value, bucket);
      if (events.read && events.write) coverage.full.push(trail.name);
      else if (events.shortfalls.length > 0) coverage.partial.push(`${trail.name} (${events.shortfalls.join('; ')})`);
    }
  }
  return coverage;
}

function judge({ bucket, logging }: BucketFacts, trails: Fact<TrailSelectors[]>): Verdict {
  const coverage = trails.ok ? trailCoverage(bucket.name, trails.value) : undefined;
  const evidence: string[] = [];
  if (logging.ok && logging.value) evidence.push(`server access logging to ${logging.value.TargetBucket}/${logging.value.TargetPrefix ?? ''}`);
  if (coverage && coverage.full.length > 0) evidence.push(`CloudTrail data events in ${coverage.full.join(', ')}`);
  if (evidence.length > 0) return { status: 'PASS', message: `Access to bucket ${bucket.name} is logged: ${evidence.join('; ')}.` };

  const unknown: string[] = [];
  if (!logging.ok) unknown.push(`server access logging: ${logging.error}`);
  if (!trails.ok) unknown.push(`trails of ${bucket.region}: ${trails.error}`);
  else if (coverage!.unreadable.length > 0) unknown.push(`trails ${coverage!.unreadable.join(', ')}`);
  if (unknown.length > 0) return { status: 'ERROR', message: `Could not tell whether access to bucket ${bucket.name} is logged: ${unknown.join('; ')}.` };
  const partial = coverage!.partial.length > 0 ? `; CloudTrail records only part of it: ${coverage!.partial.join(', ')}` : '';
  return {
    status: 'FAIL',
    message: `Access to bucket ${bucket.name} is not logged: no server access logging and no trail records its object reads and writes${partial}.`,
  };
}

export const s3BucketAccessLogged: Check = {
  id: 's3_bucket_access_logged',
  refs: ['FTR-12.4'],
  title: 'Access to S3 data is logged',
  severity: 'medium',
  rationale: quote('FTR-12.4'),
  remediation:
    'Turn on S3 server access logging for the bucket (to a separate log bucket), or record S3 data events (reads and writes of AWS::S3::Object) for it in a CloudTrail trail.',
  scope: 'global',
  kind: 'automated',
  actions: [...BUCKET_FACTS_ACTIONS, 'cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'],
  async run(ctx) {
    // Data events are recorded in the bucket's region: by that region's trails and by multi-region trails.
    const regions = [...new Set((await s3Buckets(ctx)).map((b) => b.region))];
    const trailsByRegion = new Map(
      await Promise.all(
        regions.map(async (region): Promise<[string, Fact<TrailSelectors[]>]> => {
          try {
            return [region, { ok: true, value: await trailsRecordingIn(ctx, region) }];
          } catch (err) {
            return [region, { ok: false, error: describeError(err) }];
          }
        }),
      ),
    );
    return judgeBuckets(ctx, (facts) => judge(facts, trailsByRegion.get(facts.bucket.region)!));
  },
};
