import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { CheckContext } from '../../core/types';
import { describeError, httpStatus, isErrorNamed } from '../errors';
import type { Fact } from './s3BucketFacts';
import { BUCKET_LIST_ACTIONS, s3Buckets } from './s3Buckets';

/** Whose a bucket named by another resource (a trail's log bucket) is. */
export type BucketOwnership =
  /** The scanned account owns it; `region` is where per-bucket calls go. */
  | { owner: 'this-account'; region: string }
  | { owner: 'other-account' }
  | { owner: 'missing' };

/** What telling a bucket's owner asks: HeadBucket, and the bucket list when HeadBucket is refused. */
export const BUCKET_OWNERSHIP_ACTIONS = [...BUCKET_LIST_ACTIONS, 's3:ListBucket'] as const;

async function askOwner(ctx: CheckContext, bucket: string, region: string): Promise<Fact<BucketOwnership>> {
  try {
    const head = await ctx.aws.client(S3Client, region).send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: ctx.accountId }));
    return { ok: true, value: { owner: 'this-account', region: head.BucketRegion ?? region } };
  } catch (err) {
    if (isErrorNamed(err, 'NotFound', 'NoSuchBucket') || httpStatus(err) === 404) return { ok: true, value: { owner: 'missing' } };
    if (httpStatus(err) !== 403) return { ok: false, error: describeError(err) };
    // S3 refuses both a bucket of another owner and one of ours that a policy keeps us from heading;
    // the account's own bucket list tells them apart.
    try {
      const own = (await s3Buckets(ctx)).find((b) => b.name === bucket);
      return { ok: true, value: own ? { owner: 'this-account', region: own.region } : { owner: 'other-account' } };
    } catch (listErr) {
      return {
        ok: false,
        error: `S3 refused HeadBucket (${describeError(err)}) and the account's bucket list could not be read to tell whether it is ours (${describeError(listErr)})`,
      };
    }
  }
}

/**
 * The owner of `bucket`, asked once per scan with HeadBucket and ExpectedBucketOwner set to the
 * scanned account: S3 answers 200 for our own bucket, 403 for another account's, 404 for none.
 */
export function bucketOwnership(ctx: CheckContext, bucket: string, region: string): Promise<Fact<BucketOwnership>> {
  return ctx.inventory.get(`s3.bucketOwnership@${bucket}`, () => askOwner(ctx, bucket, region));
}
