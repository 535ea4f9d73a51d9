import { GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { isErrorNamed } from '../errors';
import { defineInventory } from '../inventory';

export interface BucketInfo {
  name: string;
  arn: string;
  /** The bucket's home region: per-bucket calls must go there. */
  region: string;
  creationDate?: Date;
}

/** GetBucketLocation answers null/empty for us-east-1 and `EU` for the oldest eu-west-1 buckets. */
function locationToRegion(location: string | undefined): string {
  if (!location) return 'us-east-1';
  if (location === 'EU') return 'eu-west-1';
  return location;
}

/** What the bucket list asks: GetBucketLocation only where ListBuckets leaves out the region. */
export const BUCKET_LIST_ACTIONS = ['s3:GetBucketLocation', 's3:ListAllMyBuckets'] as const;

/** Every bucket of the account with its region: one ListBuckets walk per scan. */
export const s3Buckets = defineInventory<BucketInfo[]>('s3.buckets', 'global', async (ctx, region) => {
  const s3 = ctx.aws.client(S3Client, region);
  const listed: Array<{ name: string; region?: string; creationDate?: Date }> = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListBucketsCommand({ MaxBuckets: 1000, ContinuationToken: token }));
    for (const b of page.Buckets ?? []) {
      if (b.Name) listed.push({ name: b.Name, region: b.BucketRegion, creationDate: b.CreationDate });
    }
    token = page.ContinuationToken;
  } while (token);
  // Older endpoints (and emulators) omit BucketRegion; ask those buckets for their location.
  const limit = pLimit(16);
  const located = await Promise.all(
    listed.map((b) =>
      limit(async (): Promise<BucketInfo | undefined> => {
        let home = b.region;
        if (!home) {
          try {
            home = locationToRegion((await s3.send(new GetBucketLocationCommand({ Bucket: b.name }))).LocationConstraint);
          } catch (err) {
            // Deleted since the listing: nothing left to evaluate.
            if (isErrorNamed(err, 'NoSuchBucket')) return undefined;
            // Location unreadable: per-bucket calls start at the home region and follow S3's redirect.
            home = region;
          }
        }
        return { name: b.name, arn: `arn:aws:s3:::${b.name}`, region: home, creationDate: b.creationDate };
      }),
    ),
  );
  return located.filter((b): b is BucketInfo => b !== undefined);
});
