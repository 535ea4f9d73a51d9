import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { roleArnName } from '../config/accounts';
import type { AwsAccess } from './clients';
import { describeError, isErrorNamed } from './errors';
import { coversAction, exemptingValues, guardingValues, parsePolicyDocument, type PolicyDocument, type PolicyStatement } from './inventories/iamPolicyDocument';

export interface AssumeRoleParameters {
  roleArn: string;
  /** The external ID the bot generated for the account; the role's trust policy requires it. */
  externalId: string;
  /** Shows in the account's CloudTrail as who did what: `[\w+=,.@-]{2,64}`. */
  sessionName: string;
  durationSeconds?: number;
}

/** Credentials are renewed this long before they expire, so that no request carries stale ones. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Credentials for the role, from STS AssumeRole with the role's external ID, asked through the
 * ambient access layer (its STS client honours AWS_ENDPOINT_URL and is counted) and renewed
 * before they expire, so that a scan longer than the session keeps going.
 */
export function assumeRoleCredentials(
  ambient: AwsAccess,
  homeRegion: string,
  parameters: AssumeRoleParameters,
  now: () => Date = () => new Date(),
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const out = await ambient.client(STSClient, homeRegion).send(
      new AssumeRoleCommand({
        RoleArn: parameters.roleArn,
        ExternalId: parameters.externalId,
        RoleSessionName: parameters.sessionName,
        DurationSeconds: parameters.durationSeconds ?? 3600,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS AssumeRole returned no credentials for ${parameters.roleArn}`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - RENEW_BEFORE_MS > now().getTime();
  return async () => {
    const pending = current;
    if (pending) {
      const held = await pending.catch(() => undefined);
      if (held && fresh(held)) return held;
      // Another caller is renewing them already.
      if (current !== pending) return current!;
    }
    current = assume();
    return current;
  };
}

/**
 * What the scanner role's trust policy demands of the bot's account, read with the role's own
 * credentials: `requires` our external ID; `unguarded`: lets the bot in without one (a confused
 * deputy could use it); `otherExternalId`: only with IDs the bot did not generate; `notTrusted`:
 * no statement names the bot's account; `missing`: no such role; `unknown`: unreadable (why).
 */
export type ScannerRoleTrust = { kind: TrustVerdict | 'missing' } | { kind: 'unknown'; reason: string };

/** What a readable trust policy demands of the bot's account. */
export type TrustVerdict = 'requires' | 'unguarded' | 'otherExternalId' | 'notTrusted';

const ASSUME_ROLE = 'sts:AssumeRole';

/** The account of a trust policy's AWS principal: a bare id, an IAM/STS ARN, or `*`. */
function principalAccount(principal: string): string | undefined {
  if (principal === '*' || /^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

const admits = (statement: PolicyStatement, accountId: string) =>
  (statement.principal?.AWS ?? []).some((principal) => ['*', accountId].includes(principalAccount(principal) ?? ''));

/** External IDs a Deny statement ("deny sts:AssumeRole unless sts:ExternalId is …") demands of the account. */
function demandedByDeny(document: PolicyDocument, accountId: string): string[] | undefined {
  for (const statement of document.statements) {
    if (statement.effect !== 'Deny' || statement.notPrincipal || !coversAction(statement, ASSUME_ROLE) || !admits(statement, accountId)) continue;
    const demanded = exemptingValues(statement, 'sts:ExternalId');
    if (demanded) return demanded;
  }
  return undefined;
}

/** Judges a trust policy: see ScannerRoleTrust. */
export function judgeTrust(document: PolicyDocument, botAccountId: string, externalId: string): TrustVerdict {
  const allowing = document.statements.filter((s) => s.effect === 'Allow' && coversAction(s, ASSUME_ROLE) && admits(s, botAccountId));
  if (allowing.length === 0) return 'notTrusted';
  const denied = demandedByDeny(document, botAccountId);
  const demands = allowing.map((statement) => guardingValues(statement, 'sts:ExternalId') ?? denied);
  if (demands.some((ids) => ids === undefined)) return 'unguarded';
  return demands.some((ids) => ids!.includes(externalId)) && (!denied || denied.includes(externalId)) ? 'requires' : 'otherExternalId';
}

/**
 * Reads the scanner role's trust policy (iam:GetRole on itself) and judges what it demands of
 * `botAccountId`. AWS refuses AssumeRole for a missing role or a wrong external ID; reading the
 * policy as well shows a role that would let the bot in without one, and works the same on
 * emulators that do not evaluate cross-account trust.
 */
export async function scannerRoleTrust(roleAccess: AwsAccess, homeRegion: string, roleArn: string, botAccountId: string, externalId: string): Promise<ScannerRoleTrust> {
  let text: string | undefined;
  try {
    const out = await roleAccess.client(IAMClient, homeRegion).send(new GetRoleCommand({ RoleName: roleArnName(roleArn) }));
    text = out.Role?.AssumeRolePolicyDocument;
  } catch (err) {
    if (isErrorNamed(err, 'NoSuchEntity', 'NoSuchEntityException')) return { kind: 'missing' };
    return { kind: 'unknown', reason: `iam:GetRole: ${describeError(err)}` };
  }
  if (!text) return { kind: 'unknown', reason: 'iam:GetRole returned no trust policy' };
  try {
    return { kind: judgeTrust(parsePolicyDocument(text), botAccountId, externalId) };
  } catch (err) {
    return { kind: 'unknown', reason: `its trust policy is unreadable (${(err as Error).message})` };
  }
}
