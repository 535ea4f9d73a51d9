import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsAccess } from '../../src/aws/clients';
import { ACCOUNT_ID, motoUrl, testAccess } from '../support/aws';

const REGION = 'us-east-1';

/** The bot's task role in its own account: what scanner roles trust. */
export const BOT_TASK_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task`;

/**
 * An administrator's access to another account of the emulator: credentials from AssumeRole into
 * that account (the emulator lets any role be assumed and puts the credentials in the role's
 * account), as an organization's OrganizationAccountAccessRole would give.
 */
export async function memberAccess(accountId: string): Promise<AwsAccess> {
  const ambient = testAccess();
  try {
    const out = await ambient
      .client(STSClient, REGION)
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'test-admin' }));
    const c = out.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    return new AwsAccess({ maxAttempts: 2, retryMode: 'standard', requestTimeoutMs: 10_000, credentials: async () => credentials });
  } finally {
    ambient.destroy();
  }
}

/** A scanner role's trust policy as the template writes it: the bot's task role, with the external ID when given. */
export function scannerTrustPolicy(externalId: string | undefined, principal = BOT_TASK_ROLE_ARN): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  });
}

/** Creates the scanner role in the member account; resolves to its ARN. */
export async function createScannerRole(member: AwsAccess, options: { externalId?: string; roleName?: string; principal?: string }): Promise<string> {
  const out = await member
    .client(IAMClient, REGION)
    .send(new CreateRoleCommand({ RoleName: options.roleName ?? 'ftr-bot-scanner', AssumeRolePolicyDocument: scannerTrustPolicy(options.externalId, options.principal) }));
  return out.Role!.Arn!;
}

/**
 * An organization managed from the bot's account: `layout` maps member names to the OU path they
 * sit in (`[]` for the root). Resolves to the member account ids by name and the OU ids by path.
 */
export async function createOrganization(aws: AwsAccess, layout: Record<string, string[]>): Promise<{ accounts: Record<string, string>; ous: Record<string, string>; rootId: string }> {
  const org = aws.client(OrganizationsClient, REGION);
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ous: Record<string, string> = {};
  const ouFor = async (path: string[]): Promise<string> => {
    if (path.length === 0) return rootId;
    const key = path.join('/');
    if (!ous[key]) {
      const parent = await ouFor(path.slice(0, -1));
      ous[key] = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: path[path.length - 1] }))).OrganizationalUnit!.Id!;
    }
    return ous[key];
  };
  const accounts: Record<string, string> = {};
  for (const [name, path] of Object.entries(layout)) {
    const created = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const id = created.CreateAccountStatus!.AccountId!;
    accounts[name] = id;
    const parent = await ouFor(path);
    if (parent !== rootId) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parent }));
  }
  return { accounts, ous, rootId };
}

export const ALLOW_EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Gives a role an inline policy (what it may do once assumed, when the emulator checks). */
export async function putRolePolicy(member: AwsAccess, roleName: string, policy: object): Promise<void> {
  await member.client(IAMClient, REGION).send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'scan', PolicyDocument: JSON.stringify(policy) }));
}

async function setIamAuthentication(requestsBeforeAuth: string): Promise<void> {
  const res = await fetch(`${motoUrl()}/moto-api/reset-auth`, { method: 'POST', body: requestsBeforeAuth });
  if (!res.ok) throw new Error(`moto reset-auth failed: ${res.status}`);
}

/**
 * Runs `work` with the emulator checking signatures and IAM policies, as the IAM user
 * `ftr-bot` of the bot's account with `policy`: the ambient credentials (from the environment)
 * are that user's for the time. The emulator then evaluates identity policies, and trust
 * policies (with their sts:ExternalId condition) for roles of the caller's own account only.
 */
export async function asBotUserWithIamAuthentication<T>(policy: object, work: (userArn: string) => Promise<T>): Promise<T> {
  const aws = testAccess();
  let key;
  let userArn: string;
  try {
    const iam = aws.client(IAMClient, REGION);
    userArn = (await iam.send(new CreateUserCommand({ UserName: 'ftr-bot' }))).User!.Arn!;
    await iam.send(new PutUserPolicyCommand({ UserName: 'ftr-bot', PolicyName: 'bot', PolicyDocument: JSON.stringify(policy) }));
    key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ftr-bot' }))).AccessKey!;
  } finally {
    aws.destroy();
  }
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = key.AccessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = key.SecretAccessKey;
  await setIamAuthentication('0');
  try {
    return await work(userArn);
  } finally {
    await setIamAuthentication('inf');
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  }
}
