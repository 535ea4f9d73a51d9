import {
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type GroupDetail,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { defineInventory } from '../inventory';
import { parsePolicyDocument, type PolicyDocument } from './iamPolicyDocument';

/** The IAM action behind the inventory: one paged GetAccountAuthorizationDetails walk. */
export const IAM_AUTHORIZATION_DETAILS_ACTIONS = ['iam:GetAccountAuthorizationDetails'] as const;

/** A policy document as read: parsed, or the reason it could not be. */
export interface ReadDocument {
  document?: PolicyDocument;
  unreadable?: string;
}

export interface InlinePolicy extends ReadDocument {
  name: string;
}

export interface AttachedManagedPolicy {
  name: string;
  arn: string;
}

/** A managed policy (customer or AWS managed) with the document of its default version. */
export interface ManagedPolicy extends ReadDocument {
  name: string;
  arn: string;
  defaultVersionId?: string;
}

interface IamIdentity {
  name: string;
  arn: string;
  path: string;
  createDate?: Date;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedManagedPolicy[];
}

export interface IamUser extends IamIdentity {
  kind: 'user';
  groupNames: string[];
  /** The managed policy set as the user's permissions boundary, if any. */
  permissionsBoundaryArn?: string;
}

export interface IamGroup extends IamIdentity {
  kind: 'group';
}

export interface IamRole extends IamIdentity {
  kind: 'role';
  trustPolicy: ReadDocument;
  /** The managed policy set as the role's permissions boundary, if any. */
  permissionsBoundaryArn?: string;
  /** RoleLastUsed.LastUsedDate; undefined when IAM recorded no use (it tracks the last 400 days). */
  lastUsedDate?: Date;
}

export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  /** Managed policies by ARN; AWS managed policies appear when something uses them. */
  managedPolicies: Map<string, ManagedPolicy>;
}

function read(text: string | undefined, what: string): ReadDocument {
  if (text === undefined) return { unreadable: `${what} was not returned` };
  try {
    return { document: parsePolicyDocument(text) };
  } catch (err) {
    return { unreadable: `${what} could not be parsed (${err instanceof Error ? err.message : String(err)})` };
  }
}

const inline = (list: PolicyDetail[] | undefined): InlinePolicy[] =>
  (list ?? []).map((p) => ({ name: p.PolicyName ?? '?', ...read(p.PolicyDocument, `inline policy ${p.PolicyName}`) }));

const attached = (list: AttachedPolicy[] | undefined): AttachedManagedPolicy[] =>
  (list ?? []).filter((p) => p.PolicyArn).map((p) => ({ name: p.PolicyName ?? p.PolicyArn!, arn: p.PolicyArn! }));

function identity(d: { Path?: string; Arn?: string; CreateDate?: Date }, name: string | undefined): Omit<IamIdentity, 'inlinePolicies' | 'attachedPolicies'> {
  if (!d.Arn || !name) throw new Error('GetAccountAuthorizationDetails returned an entity without a name or ARN');
  return { name, arn: d.Arn, path: d.Path ?? '/', createDate: d.CreateDate };
}

const toUser = (d: UserDetail): IamUser => ({
  kind: 'user',
  ...identity(d, d.UserName),
  inlinePolicies: inline(d.UserPolicyList),
  attachedPolicies: attached(d.AttachedManagedPolicies),
  groupNames: d.GroupList ?? [],
  permissionsBoundaryArn: d.PermissionsBoundary?.PermissionsBoundaryArn,
});

const toGroup = (d: GroupDetail): IamGroup => ({
  kind: 'group',
  ...identity(d, d.GroupName),
  inlinePolicies: inline(d.GroupPolicyList),
  attachedPolicies: attached(d.AttachedManagedPolicies),
});

const toRole = (d: RoleDetail): IamRole => ({
  kind: 'role',
  ...identity(d, d.RoleName),
  inlinePolicies: inline(d.RolePolicyList),
  attachedPolicies: attached(d.AttachedManagedPolicies),
  trustPolicy: read(d.AssumeRolePolicyDocument, 'trust policy'),
  permissionsBoundaryArn: d.PermissionsBoundary?.PermissionsBoundaryArn,
  lastUsedDate: d.RoleLastUsed?.LastUsedDate,
});

function toManagedPolicy(d: ManagedPolicyDetail): ManagedPolicy {
  if (!d.Arn) throw new Error('GetAccountAuthorizationDetails returned a policy without an ARN');
  const name = d.PolicyName ?? d.Arn.split('/').pop()!;
  const current = d.PolicyVersionList?.find((v) => v.IsDefaultVersion) ?? d.PolicyVersionList?.find((v) => v.VersionId === d.DefaultVersionId);
  return { name, arn: d.Arn, defaultVersionId: d.DefaultVersionId, ...read(current?.Document, `default version of ${name}`) };
}

/** Users, groups, roles and managed policies with their documents: one paged walk per scan. */
export const iamAuthorizationDetails = defineInventory<AuthorizationDetails>('iam.authorizationDetails', 'global', async (ctx, region) => {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], managedPolicies: new Map() };
  const pages = paginateGetAccountAuthorizationDetails({ client: ctx.aws.client(IAMClient, region) }, {});
  for await (const page of pages) {
    details.users.push(...(page.UserDetailList ?? []).map(toUser));
    details.groups.push(...(page.GroupDetailList ?? []).map(toGroup));
    details.roles.push(...(page.RoleDetailList ?? []).map(toRole));
    for (const policy of page.Policies ?? []) {
      const managed = toManagedPolicy(policy);
      details.managedPolicies.set(managed.arn, managed);
    }
  }
  return details;
});

/** Service-linked roles belong to AWS services: their trust and permissions are AWS's, not the account's. */
export function isServiceLinkedRole(role: IamRole): boolean {
  return role.path.startsWith('/aws-service-role/');
}
