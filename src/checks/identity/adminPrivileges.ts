import {
  iamAuthorizationDetails,
  isServiceLinkedRole,
  type AuthorizationDetails,
  type IamGroup,
  type IamRole,
  type IamUser,
} from '../../aws/inventories/iamAuthorizationDetails';
import type { PolicyDocument } from '../../aws/inventories/iamPolicyDocument';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { count } from './format';

/** AWS's own full-admin policy, known even where its document is not returned. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** Allow with Action `*` and Resource `*`; NotAction/NotResource statements are not counted. */
function grantsStarOnStar(document: PolicyDocument): boolean {
  return document.statements.some(
    (s) => s.effect === 'Allow' && !s.notAction && !s.notResource && Boolean(s.action?.includes('*')) && Boolean(s.resource?.includes('*')),
  );
}

interface Grants {
  /** Descriptions of the policies that grant `*` on `*`. */
  grantedBy: string[];
  /** Policies whose documents could not be read. */
  unreadable: string[];
  checked: number;
}

function grantsOf(identity: IamUser | IamGroup | IamRole, details: AuthorizationDetails, via = ''): Grants {
  const grants: Grants = { grantedBy: [], unreadable: [], checked: 0 };
  for (const policy of identity.inlinePolicies) {
    grants.checked += 1;
    const label = `${via}inline policy ${policy.name}`;
    if (policy.document) {
      if (grantsStarOnStar(policy.document)) grants.grantedBy.push(label);
    } else grants.unreadable.push(`${label} (${policy.unreadable})`);
  }
  for (const attached of identity.attachedPolicies) {
    grants.checked += 1;
    const label = `${via}managed policy ${attached.name}`;
    const document = details.managedPolicies.get(attached.arn)?.document;
    if (ADMINISTRATOR_ACCESS.test(attached.arn) || (document && grantsStarOnStar(document))) grants.grantedBy.push(label);
    else if (!document) grants.unreadable.push(`${label} (its document was not returned)`);
  }
  return grants;
}

/** A user holds its own grants and those of every group it belongs to. */
function userGrants(user: IamUser, details: AuthorizationDetails): Grants {
  const all = grantsOf(user, details);
  for (const groupName of user.groupNames) {
    const group = details.groups.find((g) => g.name === groupName);
    if (!group) {
      all.unreadable.push(`group ${groupName} (not returned)`);
      continue;
    }
    const inherited = grantsOf(group, details, `group ${groupName}'s `);
    all.grantedBy.push(...inherited.grantedBy);
    all.unreadable.push(...inherited.unreadable);
    all.checked += inherited.checked;
  }
  return all;
}

function finding(identity: IamUser | IamGroup | IamRole, grants: Grants): Finding {
  const who = `${identity.kind[0].toUpperCase()}${identity.kind.slice(1)} ${identity.name}`;
  if (grants.grantedBy.length > 0) {
    return { resource: identity.arn, status: 'FAIL', message: `${who} is granted * on * by ${grants.grantedBy.join(', ')}.` };
  }
  if (grants.unreadable.length > 0) {
    return { resource: identity.arn, status: 'ERROR', message: `Cannot tell whether ${identity.kind} ${identity.name} is granted * on *: ${grants.unreadable.join('; ')}.` };
  }
  return { resource: identity.arn, status: 'PASS', message: `No policy of ${identity.kind} ${identity.name} grants * on * (${count(grants.checked, 'policy', 'policies')} checked).` };
}

export const iamNoFullAdminPrivileges: Check = {
  id: 'iam_no_full_admin_privileges',
  refs: ['FTR-7.6'],
  title: 'No user, group or role is granted * on *',
  severity: 'high',
  rationale: quote('FTR-7.6'),
  remediation:
    'Replace policies that allow Action "*" on Resource "*" (AdministratorAccess included) with policies scoped to the actions and resources each identity needs; keep break-glass admin access in a role behind MFA.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    const details = await iamAuthorizationDetails(ctx);
    return [
      ...details.users.map((user) => finding(user, userGrants(user, details))),
      ...details.groups.map((group) => finding(group, grantsOf(group, details))),
      ...details.roles.filter((role) => !isServiceLinkedRole(role)).map((role) => finding(role, grantsOf(role, details))),
    ];
  },
};
