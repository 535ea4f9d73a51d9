import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  S3Client,
  type Grant,
  type LoggingEnabled,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError, isErrorNamed } from '../errors';
import type { CheckContext } from '../../core/types';
import { defineInventory } from '../inventory';
import { BUCKET_LIST_ACTIONS, s3Buckets, type BucketInfo } from './s3Buckets';

/** What reading every bucket's facts asks, the bucket list included. */
export const BUCKET_FACTS_ACTIONS = [
  ...BUCKET_LIST_ACTIONS,
  's3:GetBucketAcl',
  's3:GetBucketLogging',
  's3:GetBucketPolicy',
  's3:GetBucketPolicyStatus',
  's3:GetBucketPublicAccessBlock',
  's3:GetEncryptionConfiguration',
] as const;

/** One per-bucket answer, or why it could not be read: a failure concerns that bucket only. */
export type Fact<T> = { ok: true; value: T } | { ok: false; error: string };

/** The configuration of one bucket that the S3 and data-protection checks judge. */
export interface BucketFacts {
  bucket: BucketInfo;
  /** The bucket's own Block Public Access settings; null when none are set. */
  publicAccessBlock: Fact<PublicAccessBlockConfiguration | null>;
  /** S3's own verdict on the bucket policy; undefined when S3 answered without one. */
  policyIsPublic: Fact<boolean | undefined>;
  /** The bucket policy document; null when the bucket has no policy. */
  policy: Fact<string | null>;
  aclGrants: Fact<Grant[]>;
  /** Default encryption rules; null when the bucket has no default encryption. */
  encryption: Fact<ServerSideEncryptionRule[] | null>;
  /** Server access logging; null when it is off. */
  logging: Fact<LoggingEnabled | null>;
}

/** Per-bucket calls in flight at once across the whole account. */
const BUCKET_CALL_CONCURRENCY = 24;

/**
 * Every bucket's configuration, read once per scan: five calls per bucket (six with a policy), each sent to the
 * bucket's own region, with bounded concurrency so that thousands of buckets neither
 * exhaust sockets nor trip S3's request rate.
 */
export const s3BucketFacts = defineInventory<BucketFacts[]>('s3.bucketFacts', 'global', async (ctx) => readBucketFacts(ctx, await s3Buckets(ctx)));

/** The facts of the given buckets, read now (an alert re-evaluates one bucket without listing them all). */
export function readBucketFacts(ctx: CheckContext, buckets: readonly BucketInfo[]): Promise<BucketFacts[]> {
  const limit = pLimit(BUCKET_CALL_CONCURRENCY);

  /** Sends one call; the errors named in `absentWhen` mean "not configured" (null). */
  function read<T>(call: () => Promise<T>, ...absentWhen: string[]): Promise<Fact<T | null>> {
    return limit(call).then(
      (value): Fact<T | null> => ({ ok: true, value }),
      (err): Fact<T | null> => (isErrorNamed(err, ...absentWhen) ? { ok: true, value: null } : { ok: false, error: describeError(err) }),
    );
  }

  return Promise.all(
    buckets.map(async (bucket): Promise<BucketFacts> => {
      const s3 = ctx.aws.client(S3Client, bucket.region);
      const Bucket = bucket.name;
      const policyRead = read(async () => (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy, 'NoSuchBucketPolicy');
      // A bucket without a policy has no policy status to ask for: S3 would only say NoSuchBucketPolicy.
      const statusRead = policyRead.then((p) =>
        p.ok && (p.value ?? null) === null
          ? { ok: true as const, value: null }
          : read(async () => (await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic, 'NoSuchBucketPolicy'),
      );
      const [publicAccessBlock, policyStatus, policy, acl, encryption, logging] = await Promise.all([
        read(
          async () => (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration,
          'NoSuchPublicAccessBlockConfiguration',
        ),
        statusRead,
        policyRead,
        read(async () => (await s3.send(new GetBucketAclCommand({ Bucket }))).Grants ?? []),
        read(
          async () => (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules,
          'ServerSideEncryptionConfigurationNotFoundError',
        ),
        read(async () => (await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled),
      ]);
      return {
        bucket,
        publicAccessBlock: present(publicAccessBlock),
        // No policy at all is a definite "not public"; an answer without IsPublic is unknown.
        policyIsPublic: policyStatus.ok ? { ok: true, value: policyStatus.value === null ? false : policyStatus.value } : policyStatus,
        policy: present(policy),
        aclGrants: withDefault(acl, []),
        encryption: present(encryption),
        logging: present(logging),
      };
    }),
  );
}

/** An undefined answer (an empty response) means the same as "not configured". */
function present<T>(fact: Fact<T | null | undefined>): Fact<T | null> {
  return fact.ok ? { ok: true, value: fact.value ?? null } : fact;
}

function withDefault<T>(fact: Fact<T | null>, fallback: T): Fact<T> {
  return fact.ok ? { ok: true, value: fact.value ?? fallback } : fact;
}
