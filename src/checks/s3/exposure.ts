import { GetPublicAccessBlockCommand, S3ControlClient, type PublicAccessBlockConfiguration } from '@aws-sdk/client-s3-control';
import type { Grant } from '@aws-sdk/client-s3';
import { describeError, isErrorNamed } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';
import { BUCKET_FACTS_ACTIONS, readBucketFacts, s3BucketFacts, type BucketFacts, type Fact } from '../../aws/inventories/s3BucketFacts';
import type { BucketInfo } from '../../aws/inventories/s3Buckets';
import type { CheckContext } from '../../core/types';
import { policyStatements, publicStatements } from './bucketPolicy';

const BLOCK_PUBLIC_ACCESS_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
type Flag = (typeof BLOCK_PUBLIC_ACCESS_FLAGS)[number];

/** The account's S3 Block Public Access settings (S3 Control); null when none are set. */
/** What reading the account's Block Public Access settings asks. */
export const ACCOUNT_PUBLIC_ACCESS_BLOCK_ACTIONS = ['s3:GetAccountPublicAccessBlock'] as const;

export const accountPublicAccessBlock = defineInventory<PublicAccessBlockConfiguration | null>(
  's3control.accountPublicAccessBlock',
  'global',
  async (ctx, region) => {
    try {
      const out = await ctx.aws.client(S3ControlClient, region).send(new GetPublicAccessBlockCommand({ AccountId: ctx.accountId }));
      return out.PublicAccessBlockConfiguration ?? null;
    } catch (err) {
      if (isErrorNamed(err, 'NoSuchPublicAccessBlockConfiguration')) return null;
      throw err;
    }
  },
);

/** The flags of a Block Public Access configuration that are not on. */
export function missingFlags(config: PublicAccessBlockConfiguration | null): Flag[] {
  return BLOCK_PUBLIC_ACCESS_FLAGS.filter((flag) => config?.[flag] !== true);
}

/** true, false, or undefined when a setting it depends on could not be read. */
type Tri = boolean | undefined;

const anyOf = (...values: Tri[]): Tri => (values.includes(true) ? true : values.includes(undefined) ? undefined : false);

/** A public grant takes effect unless the Block Public Access flag that neutralises it is on. */
function exposedUnless(publicGrant: Tri, neutralised: Tri): Tri {
  if (neutralised === true || publicGrant === false) return false;
  return publicGrant === true && neutralised === false ? true : undefined;
}

export interface BucketExposure {
  bucket: BucketInfo;
  /** Reachable by the public now; undefined when that cannot be decided. */
  isPublic: Tri;
  /** The access level in words, e.g. "public through its policy". */
  accessLevel: string;
  /** Block Public Access flags on at neither account nor bucket level; undefined when unknown. */
  unblocked: Flag[] | undefined;
  /** Why the bucket could not be judged, when it could not. */
  errors: string[];
}

const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

/** ACL grants to everyone or to every AWS account, as "AllUsers (READ)". */
function publicGrants(grants: Grant[]): string[] {
  return grants
    .filter((g) => g.Grantee?.URI !== undefined && PUBLIC_GROUPS[g.Grantee.URI] !== undefined)
    .map((g) => `${PUBLIC_GROUPS[g.Grantee!.URI!]} (${g.Permission ?? 'unknown permission'})`);
}

/** Whether the bucket policy grants public access: S3's own verdict, else our reading of the document. */
function policyIsPublic(facts: BucketFacts, errors: string[]): Tri {
  if (facts.policyIsPublic.ok && facts.policyIsPublic.value !== undefined) return facts.policyIsPublic.value;
  if (!facts.policy.ok) {
    errors.push(`bucket policy: ${facts.policy.error}`);
    return undefined;
  }
  if (facts.policy.value === null) return false;
  try {
    return publicStatements(policyStatements(facts.policy.value)).length > 0;
  } catch (err) {
    errors.push(`bucket policy unreadable: ${describeError(err)}`);
    return undefined;
  }
}

function flagOf(config: Fact<PublicAccessBlockConfiguration | null>, flag: Flag): Tri {
  return config.ok ? config.value?.[flag] === true : undefined;
}

/**
 * Judges one bucket the way S3 does: a public policy counts unless RestrictPublicBuckets is on
 * (BlockPublicPolicy only stops new public policies), a public ACL grant counts unless
 * IgnorePublicAcls is on (BlockPublicAcls only stops new ones), at account or bucket level.
 */
function assessExposure(facts: BucketFacts, account: Fact<PublicAccessBlockConfiguration | null>): BucketExposure {
  const errors: string[] = [];
  if (!account.ok) errors.push(`account Block Public Access: ${account.error}`);
  if (!facts.publicAccessBlock.ok) errors.push(`bucket Block Public Access: ${facts.publicAccessBlock.error}`);
  const effective = (flag: Flag): Tri => anyOf(flagOf(account, flag), flagOf(facts.publicAccessBlock, flag));
  const flags = Object.fromEntries(BLOCK_PUBLIC_ACCESS_FLAGS.map((f) => [f, effective(f)])) as Record<Flag, Tri>;
  const unblocked = BLOCK_PUBLIC_ACCESS_FLAGS.some((f) => flags[f] === undefined)
    ? undefined
    : BLOCK_PUBLIC_ACCESS_FLAGS.filter((f) => flags[f] === false);

  const policyErrors: string[] = [];
  const policyPublic = policyIsPublic(facts, policyErrors);
  if (flags.RestrictPublicBuckets !== true) errors.push(...policyErrors);
  const grants = facts.aclGrants.ok ? publicGrants(facts.aclGrants.value) : undefined;
  if (!facts.aclGrants.ok && flags.IgnorePublicAcls !== true) errors.push(`bucket ACL: ${facts.aclGrants.error}`);

  const policyExposed = exposedUnless(policyPublic, flags.RestrictPublicBuckets);
  const aclExposed = exposedUnless(grants === undefined ? undefined : grants.length > 0, flags.IgnorePublicAcls);
  const isPublic = anyOf(policyExposed, aclExposed);

  let accessLevel: string;
  if (isPublic === true) {
    const through: string[] = [];
    if (policyExposed) through.push('its policy');
    if (aclExposed) through.push(`ACL grant to ${grants!.join(', ')}`);
    accessLevel = `public through ${through.join(' and ')}`;
  } else if (isPublic === undefined) accessLevel = 'unknown';
  else if (unblocked?.length === 0) accessLevel = `not public: Block Public Access on (${blockedAt(account, facts)})`;
  else if (policyPublic === true || (grants?.length ?? 0) > 0) accessLevel = 'not public: its public grants are neutralised by Block Public Access';
  else accessLevel = 'not public: no public grants';
  return { bucket: facts.bucket, isPublic, accessLevel, unblocked, errors };
}

/** Where the complete Block Public Access comes from, in words. */
function blockedAt(account: Fact<PublicAccessBlockConfiguration | null>, facts: BucketFacts): string {
  const whole = (config: Fact<PublicAccessBlockConfiguration | null>) => config.ok && missingFlags(config.value).length === 0;
  if (whole(account) && whole(facts.publicAccessBlock)) return 'account and bucket level';
  if (whole(account)) return 'account level';
  if (whole(facts.publicAccessBlock)) return 'bucket level';
  return 'account and bucket settings combined';
}

/** What judging every bucket's exposure asks. */
export const BUCKET_EXPOSURE_ACTIONS = [...ACCOUNT_PUBLIC_ACCESS_BLOCK_ACTIONS, ...BUCKET_FACTS_ACTIONS] as const;

/**
 * Every bucket's exposure, judged against the account's Block Public Access: the scan's shared
 * inventory, or only `buckets`, read now (an alert re-evaluating what just changed).
 */
export async function bucketExposures(ctx: CheckContext, buckets?: readonly BucketInfo[]): Promise<BucketExposure[]> {
  const [facts, account] = await Promise.all([
    buckets ? readBucketFacts(ctx, buckets) : s3BucketFacts(ctx),
    settle(accountPublicAccessBlock(ctx)),
  ]);
  return facts.map((f) => assessExposure(f, account));
}

/** A failed account-level read must not stop the per-bucket verdicts it is not needed for. */
async function settle<T>(promise: Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}
