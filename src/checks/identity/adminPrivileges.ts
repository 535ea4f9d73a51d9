import {
  IAM_AUTHORIZATION_DETAILS_ACTIONS,
  iamAuthorizationDetails,
  isServiceLinkedRole,
  type AuthorizationDetails,
  type IamGroup,
  type IamRole,
  type IamUser,
} from '../../aws/inventories/iamAuthorizationDetails';
import {
  conditionClauses,
  coversAction,
  coversResource,
  isStrictClause,
  matchesWildcard,
  type ConditionClause,
  type PolicyDocument,
  type PolicyStatement,
} from '../../aws/inventories/iamPolicyDocument';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { count } from './format';

type Identity = IamUser | IamGroup | IamRole;
type IamResourceType = 'user' | 'group' | 'role' | 'policy';

/** AWS's own full-admin policy, known even where its document is not returned. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const ADMINISTRATOR_ACCESS_DOCUMENT: PolicyDocument = { statements: [{ effect: 'Allow', action: ['*'], resource: ['*'] }] };

/**
 * IAM writes that let a caller give itself or another identity any permission (attach or
 * write a policy, make a policy version default, mint credentials for a user, hand a role
 * to a service, rewrite who may assume a role), with the resource type each acts on.
 */
const ESCALATION_ACTIONS: ReadonlyArray<readonly [string, IamResourceType]> = [
  ['iam:AttachGroupPolicy', 'group'],
  ['iam:AttachRolePolicy', 'role'],
  ['iam:AttachUserPolicy', 'user'],
  ['iam:CreateAccessKey', 'user'],
  ['iam:CreateLoginProfile', 'user'],
  ['iam:CreatePolicyVersion', 'policy'],
  ['iam:PassRole', 'role'],
  ['iam:PutGroupPolicy', 'group'],
  ['iam:PutRolePolicy', 'role'],
  ['iam:PutUserPolicy', 'user'],
  ['iam:SetDefaultPolicyVersion', 'policy'],
  ['iam:UpdateAssumeRolePolicy', 'role'],
  ['iam:UpdateLoginProfile', 'user'],
];

/**
 * A name no policy writes, so that only a pattern matching every name (every action, every
 * role, …) matches it: `*` does, `arn:aws:iam::*:role/*` does for roles, `role/app-*` does not.
 */
const UNNAMED = '\u0000';
const ANY_ACTION = `${UNNAMED}:${UNNAMED}`;

/** The partition and account of the identity, for the resource ARNs probed. */
interface ArnScope {
  partition: string;
  accountId: string;
}

const scopeOf = (identity: Identity): ArnScope => {
  const [, partition, , , accountId] = identity.arn.split(':');
  return { partition, accountId };
};
const anyResource = (scope: ArnScope) => `arn:${scope.partition}:${UNNAMED}:${UNNAMED}:${scope.accountId}:${UNNAMED}`;
const anyIamResource = (scope: ArnScope, type: IamResourceType) => `arn:${scope.partition}:iam::${scope.accountId}:${type}/${UNNAMED}`;

/**
 * Global condition keys that describe the resource or the tags a request sets. Every other
 * `aws:` key says who calls, how, from where or when (MFA, source IP or VPC, time, requested
 * region, principal tags…): an administrator who must use MFA or a VPN is still an
 * administrator, so those keys do not narrow a grant. Service keys (`iam:PassedToService`,
 * `s3:prefix`, …) do, since requests without them fail the test.
 */
const RESOURCE_KEYS = /^aws:(ResourceTag\/.+|ResourceAccount|ResourceOrgID|ResourceOrgPaths|RequestTag\/.+|TagKeys)$/i;

/** A clause that limits what can be done: strict (no `IfExists`, negation, `Null` or wildcard) on a key other than the caller's context. */
const narrowsWhatIsAllowed = (clause: ConditionClause) => isStrictClause(clause) && (!/^aws:/i.test(clause.key) || RESOURCE_KEYS.test(clause.key));

/** What a statement covers that amounts to administrator access. */
interface AdminReach {
  /** Every action (`*`) or all but some (NotAction) on every resource. */
  everything: boolean;
  /** Escalating IAM actions it covers on every resource of their type. */
  escalations: string[];
}

function reachOf(statement: PolicyStatement, scope: ArnScope): AdminReach {
  return {
    everything: coversAction(statement, ANY_ACTION) && coversResource(statement, anyResource(scope)),
    escalations: ESCALATION_ACTIONS.filter(([action, type]) => coversAction(statement, action) && coversResource(statement, anyIamResource(scope, type))).map(([action]) => action),
  };
}

const reachesAdmin = (reach: AdminReach) => reach.everything || reach.escalations.length > 0;

/** One policy of an identity as read: its label for messages, and its document or why there is none. */
interface ReadPolicy {
  label: string;
  name: string;
  document?: PolicyDocument;
  unreadable?: string;
}

/** An Allow statement whose reach is administrator access, with the policy it is in. */
interface AdminGrant extends AdminReach {
  policy: string;
  statement: PolicyStatement;
}

/** Admin-reaching Allow statements that no narrowing condition limits. */
function adminGrants(policies: ReadPolicy[], scope: ArnScope): AdminGrant[] {
  return policies.flatMap((policy) =>
    (policy.document?.statements ?? [])
      .filter((statement) => statement.effect === 'Allow' && !conditionClauses(statement).some(narrowsWhatIsAllowed))
      .map((statement) => ({ policy: policy.label, statement, ...reachOf(statement, scope) }))
      .filter(reachesAdmin),
  );
}

/** What the policies' unconditional Deny statements take away; a conditional Deny may not apply, so it takes nothing. */
function deniedReach(policies: ReadPolicy[], scope: ArnScope): AdminReach {
  const denies = policies.flatMap((p) => p.document?.statements ?? []).filter((s) => s.effect === 'Deny' && conditionClauses(s).length === 0);
  const reaches = denies.map((statement) => reachOf(statement, scope));
  return { everything: reaches.some((r) => r.everything), escalations: reaches.flatMap((r) => r.escalations) };
}

/** What a permissions boundary lets through: the reach of its own admin grants (a boundary never grants by itself). */
function boundaryReach(boundary: ReadPolicy, scope: ArnScope): AdminReach {
  const grants = adminGrants([boundary], scope);
  return { everything: grants.some((g) => g.everything), escalations: grants.flatMap((g) => g.escalations) };
}

const withinReach = (grant: AdminGrant, limit: AdminReach): AdminGrant => ({
  ...grant,
  everything: grant.everything && limit.everything,
  escalations: grant.escalations.filter((action) => limit.escalations.includes(action)),
});

const withoutReach = (grant: AdminGrant, taken: AdminReach): AdminGrant => ({
  ...grant,
  everything: grant.everything && !taken.everything,
  escalations: grant.escalations.filter((action) => !taken.escalations.includes(action)),
});

/** `a, b, c and 4 more`, for long lists in one sentence. */
function someOf(items: string[], shown = 3): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

/** The statement's grant as written, e.g. `iam:Put* on * (which includes iam:PutGroupPolicy, …)`. */
function describeStatement(grant: AdminGrant): string {
  const { statement } = grant;
  const actions = statement.notAction ? `every action but ${statement.notAction.join(', ')}` : (statement.action ?? []).join(', ');
  const resources = statement.notResource ? `every resource but ${statement.notResource.join(', ')}` : (statement.resource ?? []).join(', ');
  const escalating = grant.everything ? '' : ` (which includes ${someOf(grant.escalations)})`;
  return `${actions} on ${resources}${escalating}`;
}

const describeGrant = (grant: AdminGrant) => `${grant.policy} allows ${describeStatement(grant)}`;

function managedDocument(arn: string, details: AuthorizationDetails): PolicyDocument | undefined {
  return details.managedPolicies.get(arn)?.document ?? (ADMINISTRATOR_ACCESS.test(arn) ? ADMINISTRATOR_ACCESS_DOCUMENT : undefined);
}

function managedPolicy(arn: string, name: string, label: string, details: AuthorizationDetails): ReadPolicy {
  const document = managedDocument(arn, details);
  return document ? { label, name, document } : { label, name, unreadable: 'its document was not returned' };
}

function policiesOf(identity: Identity, details: AuthorizationDetails, via = ''): ReadPolicy[] {
  return [
    ...identity.inlinePolicies.map((p): ReadPolicy => ({ label: `${via}inline policy ${p.name}`, name: p.name, document: p.document, unreadable: p.unreadable })),
    ...identity.attachedPolicies.map((p) => managedPolicy(p.arn, p.name, `${via}managed policy ${p.name}`, details)),
  ];
}

/** A user holds its own policies and those of every group it belongs to. */
function userPolicies(user: IamUser, details: AuthorizationDetails): ReadPolicy[] {
  const policies = policiesOf(user, details);
  for (const groupName of user.groupNames) {
    const group = details.groups.find((g) => g.name === groupName);
    if (group) policies.push(...policiesOf(group, details, `group ${groupName}'s `));
    else policies.push({ label: `group ${groupName}`, name: groupName, unreadable: 'it was not returned' });
  }
  return policies;
}

/** What an identity's policies amount to once explicit denies and its permissions boundary are applied. */
interface Verdict {
  effective: AdminGrant[];
  /** Grants taken away by an unconditional Deny or by the permissions boundary, with what took them. */
  removed: Array<{ grant: AdminGrant; by: string }>;
  unreadable: string[];
  checked: number;
}

function judge(identity: Identity, policies: ReadPolicy[], boundary: ReadPolicy | undefined): Verdict {
  const scope = scopeOf(identity);
  const verdict: Verdict = { effective: [], removed: [], unreadable: [], checked: policies.length };
  for (const p of policies) if (!p.document) verdict.unreadable.push(`${p.label} (${p.unreadable})`);
  const denied = deniedReach(boundary ? [...policies, boundary] : policies, scope);
  const allowedByBoundary = boundary?.document ? boundaryReach(boundary, scope) : undefined;
  for (const grant of adminGrants(policies, scope)) {
    const afterDeny = withoutReach(grant, denied);
    if (!reachesAdmin(afterDeny)) verdict.removed.push({ grant, by: 'an explicit Deny' });
    else if (allowedByBoundary && !reachesAdmin(withinReach(afterDeny, allowedByBoundary))) verdict.removed.push({ grant, by: `permissions boundary ${boundary!.name}` });
    else verdict.effective.push(allowedByBoundary ? withinReach(afterDeny, allowedByBoundary) : afterDeny);
  }
  if (boundary && !boundary.document && verdict.effective.length > 0) verdict.unreadable.push(`permissions boundary ${boundary.name} (${boundary.unreadable})`);
  return verdict;
}

function boundaryOf(identity: Identity, details: AuthorizationDetails): ReadPolicy | undefined {
  const arn = identity.kind === 'group' ? undefined : identity.permissionsBoundaryArn;
  if (!arn) return undefined;
  const name = details.managedPolicies.get(arn)?.name ?? arn.split('/').pop()!;
  return managedPolicy(arn, name, `permissions boundary ${name}`, details);
}

/** Role names or ARNs the configuration accepts as administrators, `*` matching any characters. */
function isAcceptedAdmin(identity: Identity, accepted: readonly string[]): boolean {
  if (identity.kind !== 'role') return false;
  return accepted.some((pattern) => [identity.name, identity.arn].some((value) => matchesWildcard(pattern, value, { anyCharactersOnly: true })));
}

function finding(identity: Identity, verdict: Verdict, accepted: boolean): Finding {
  const who = `${identity.kind[0].toUpperCase()}${identity.kind.slice(1)} ${identity.name}`;
  const unknown = verdict.unreadable.length > 0 ? `: ${verdict.unreadable.join('; ')}` : '';
  const boundaryUnread = verdict.unreadable.some((u) => u.startsWith('permissions boundary'));
  if (verdict.effective.length > 0 && !boundaryUnread) {
    const grants = verdict.effective.map(describeGrant).join('; ');
    return accepted
      ? { resource: identity.arn, status: 'PASS', message: `${who} is admin-equivalent (${grants}), which the configuration accepts for this role (acceptedAdminRoles).` }
      : { resource: identity.arn, status: 'FAIL', message: `${who} is admin-equivalent: ${grants}.` };
  }
  if (verdict.unreadable.length > 0) {
    return { resource: identity.arn, status: 'ERROR', message: `Cannot tell whether ${identity.kind} ${identity.name} is admin-equivalent${unknown}.` };
  }
  const removed = verdict.removed.map((r) => `${r.by} cancels ${r.grant.policy}'s ${describeStatement(r.grant)}`);
  return {
    resource: identity.arn,
    status: 'PASS',
    message: `No policy of ${identity.kind} ${identity.name} grants admin-equivalent access (${count(verdict.checked, 'policy', 'policies')} checked${removed.length > 0 ? `; ${removed.join('; ')}` : ''}).`,
  };
}

/**
 * Admin-equivalent means: every action (or all but some, by NotAction) on every resource, or
 * an escalating IAM write on every user, group, role or policy, in an Allow statement that
 * no condition narrows, not removed by an unconditional Deny or the permissions boundary.
 */
export const iamNoFullAdminPrivileges: Check = {
  id: 'iam_no_full_admin_privileges',
  refs: ['FTR-7.6'],
  title: 'No user, group or role holds admin-equivalent permissions',
  severity: 'high',
  rationale: quote('FTR-7.6'),
  remediation:
    'Replace policies that allow "*" on "*" (AdministratorAccess included), NotAction on "*", or IAM writes that escalate (iam:Put*Policy, iam:Attach*Policy, iam:CreatePolicyVersion, iam:PassRole, iam:CreateAccessKey, …) on every user or role with policies scoped to the actions and resources each identity needs; keep administrator access in a few break-glass or Identity Center roles and list them in acceptedAdminRoles.',
  scope: 'global',
  kind: 'automated',
  actions: [...IAM_AUTHORIZATION_DETAILS_ACTIONS],
  async run(ctx) {
    const details = await iamAuthorizationDetails(ctx);
    const accepted = ctx.thresholds.acceptedAdminRoles;
    const evaluate = (identity: Identity, policies: ReadPolicy[]) =>
      finding(identity, judge(identity, policies, boundaryOf(identity, details)), isAcceptedAdmin(identity, accepted));
    return [
      ...details.users.map((user) => evaluate(user, userPolicies(user, details))),
      ...details.groups.map((group) => evaluate(group, policiesOf(group, details))),
      ...details.roles.filter((role) => !isServiceLinkedRole(role)).map((role) => evaluate(role, policiesOf(role, details))),
    ];
  },
};
