import type { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import { Inventory } from '../aws/inventory';
import type { BucketInfo } from '../aws/inventories/s3Buckets';
import { bucketExposures } from '../checks/s3/exposure';
import type { CheckThresholds } from '../config/thresholds';
import type { AlertObservation } from '../core/alert';
import type { CheckContext } from '../core/types';
import { bucketObservation } from './sources/s3Public';
import type { BucketChange } from './types';

export interface BucketEvaluatorDeps {
  aws: AwsAccess;
  /** The account the credentials reach. */
  accountId: () => Promise<string>;
  /**
   * Another account's access, through the scanner role the bot scans it with: undefined for an
   * account the bot does not scan; rejects, saying why, when the role cannot be used.
   */
  memberAccess?: (accountId: string) => Promise<AwsAccess | undefined>;
  homeRegion: string;
  thresholds: CheckThresholds;
  now: () => Date;
}

/**
 * Re-evaluates what a bucket change touched with the same exposure logic the scan uses, now, in
 * the change's account (another account than the bot's through its scanner role): a bucket that
 * is public now gives an alert, a private one resolves any open alert, and one that cannot be
 * judged gives an alert saying so (unknown is never "private").
 */
export function bucketEvaluator(deps: BucketEvaluatorDeps): (change: BucketChange) => Promise<AlertObservation[]> {
  return async (change) => {
    if (change.drill && change.bucket) {
      // A drill changed nothing in AWS: the sample stands for a bucket that is public.
      return [bucketObservation(change, change.bucket, { isPublic: true, accessLevel: 'public through its policy (drill: nothing was changed)' })];
    }
    const bucket = change.bucket ?? '(every bucket)';
    const ownAccountId = await deps.accountId();
    let aws = deps.aws;
    if (change.accountId !== ownAccountId) {
      let member: AwsAccess | undefined;
      try {
        member = await deps.memberAccess?.(change.accountId);
      } catch (err) {
        return [unverified(change, bucket, `the bot cannot reach account ${change.accountId} through its scanner role: ${describeError(err)}`)];
      }
      if (!member) return [unverified(change, bucket, `account ${change.accountId} is not one the bot scans (its own is ${ownAccountId}; list it under accounts, or scan the organization's members)`)];
      aws = member;
    }
    const ctx: CheckContext = {
      accountId: change.accountId,
      region: 'global',
      homeRegion: deps.homeRegion,
      regions: [deps.homeRegion],
      aws,
      inventory: new Inventory(),
      thresholds: deps.thresholds,
      now: deps.now,
    };
    const only: BucketInfo[] | undefined = change.bucket ? [{ name: change.bucket, arn: `arn:aws:s3:::${change.bucket}`, region: change.region }] : undefined;
    const exposures = await bucketExposures(ctx, only);
    return exposures.map((e) => {
      if (e.isPublic === undefined) {
        if (e.errors.some((err) => /NoSuchBucket/.test(err))) return bucketObservation(change, e.bucket.name, { isPublic: false, accessLevel: 'the bucket no longer exists' });
        return unverified(change, e.bucket.name, e.errors.join('; '));
      }
      return bucketObservation(change, e.bucket.name, { isPublic: e.isPublic, accessLevel: e.accessLevel });
    });
  };
}

/** An alert for a change that could not be judged: a person must look. */
function unverified(change: BucketChange, bucket: string, reason: string): AlertObservation {
  const observation = bucketObservation(change, bucket, { isPublic: true, accessLevel: 'unknown' });
  return { ...observation, title: `Access to bucket ${bucket} changed and could not be verified: ${reason}` };
}
