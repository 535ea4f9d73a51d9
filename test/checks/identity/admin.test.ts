import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { iamNoFullAdminPrivileges } from '../../../src/checks/identity/adminPrivileges';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks } from '../../support/aws';
import { daysBefore, iamMock, NOW, policy, seedIam } from './iamFixtures';

const CHECK = 'iam_no_full_admin_privileges';
const arn = (kind: string, name: string, path = '/') => `arn:aws:iam::${ACCOUNT_ID}:${kind}${path}${name}`;
const ec2Trust = policy({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const starOnStar = policy({ Effect: 'Allow', Action: '*', Resource: '*' });

describe('iam_no_full_admin_privileges (FTR-7.6) against moto', () => {
  beforeEach(resetMoto);

  it('fails users, groups and roles granted * on * directly, inline or managed, and users through their groups', async () => {
    await seedIam(async (iam) => {
      const admin = await iam.send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: policy({ Effect: 'Allow', Action: ['*'], Resource: ['*'] }) }));
      await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'admins', PolicyArn: admin.Policy!.Arn! }));
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'alice' }));
      await iam.send(new CreateUserCommand({ UserName: 'bob' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'bob-all', PolicyDocument: starOnStar }));
      await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: ec2Trust }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: admin.Policy!.Arn! }));
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    const alice = resultFor(report, CHECK, arn('user', 'alice'));
    expect(alice.status).toBe('FAIL');
    expect(alice.message).toBe("User alice is admin-equivalent: group admins's managed policy everything allows * on *.");
    expect(resultFor(report, CHECK, arn('user', 'bob')).message).toBe('User bob is admin-equivalent: inline policy bob-all allows * on *.');
    expect(resultFor(report, CHECK, arn('group', 'admins')).status).toBe('FAIL');
    expect(resultFor(report, CHECK, arn('role', 'app')).message).toBe('Role app is admin-equivalent: managed policy everything allows * on *.');
  });

  it('passes scoped policies, and leaves service-linked roles out', async () => {
    await seedIam(async (iam) => {
      await iam.send(new CreateUserCommand({ UserName: 'reader' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 's3-read', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'iam-read', PolicyDocument: policy({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'star-on-one-bucket', PolicyDocument: policy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::reports/*' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'all-but-iam-on-one-bucket', PolicyDocument: policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::reports' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'pass-app-roles', PolicyDocument: policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT_ID}:role/app-*` }) }));
      await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: ec2Trust }));
      const linked = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }));
      await iam.send(new PutRolePolicyCommand({ RoleName: linked.Role!.RoleName!, PolicyName: 'aws-owned', PolicyDocument: starOnStar }));
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    const reader = resultFor(report, CHECK, arn('user', 'reader'));
    expect(reader.status).toBe('PASS');
    expect(reader.message).toBe('No policy of user reader grants admin-equivalent access (5 policies checked).');
    expect(resultFor(report, CHECK, arn('role', 'app')).status).toBe('PASS');
    expect(report.results.filter((r) => r.resource.includes('aws-service-role'))).toEqual([]);
  });

  it('fails NotAction on every resource and IAM writes that escalate on every user or role, naming the grant', async () => {
    const grants: Record<string, object> = {
      'all-but-iam': { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      'iam-star': { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      'iam-put': { Effect: 'Allow', Action: 'iam:Put*', Resource: '*' },
      'iam-policy-words': { Effect: 'Allow', Action: 'iam:*Policy*', Resource: '*' },
      'pass-any-role': { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/*' },
      'keys-for-everyone': { Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: `arn:aws:iam::${ACCOUNT_ID}:user/*` },
      'star-on-roles': { Effect: 'Allow', Action: '*', Resource: `arn:aws:iam::${ACCOUNT_ID}:role/*` },
    };
    await seedIam(async (iam) => {
      for (const [name, statement] of Object.entries(grants)) {
        await iam.send(new CreateUserCommand({ UserName: name }));
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `${name}-policy`, PolicyDocument: policy(statement) }));
      }
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    for (const name of Object.keys(grants)) expect([name, resultFor(report, CHECK, arn('user', name)).status]).toEqual([name, 'FAIL']);
    expect(resultFor(report, CHECK, arn('user', 'all-but-iam')).message).toBe('User all-but-iam is admin-equivalent: inline policy all-but-iam-policy allows every action but iam:* on *.');
    expect(resultFor(report, CHECK, arn('user', 'iam-put')).message).toBe(
      'User iam-put is admin-equivalent: inline policy iam-put-policy allows iam:Put* on * (which includes iam:PutGroupPolicy, iam:PutRolePolicy, iam:PutUserPolicy).',
    );
    expect(resultFor(report, CHECK, arn('user', 'iam-star')).message).toMatch(/allows iam:\* on \* \(which includes iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy and 10 more\)\.$/);
    expect(resultFor(report, CHECK, arn('user', 'pass-any-role')).message).toContain('allows iam:PassRole on arn:aws:iam::*:role/* (which includes iam:PassRole)');
  });

  it('lets only conditions that limit what can be done narrow a grant: not MFA, IfExists, negations or wildcards', async () => {
    const allWhen = (condition: object) => policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition });
    const conditioned: Record<string, [string, string]> = {
      'with-mfa': [allWhen({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }), 'FAIL'],
      'from-office': [allWhen({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), 'FAIL'],
      'tag-if-exists': [allWhen({ StringEqualsIfExists: { 'aws:ResourceTag/team': 'data' } }), 'FAIL'],
      'tag-wildcard': [allWhen({ StringLike: { 'aws:ResourceTag/team': '*' } }), 'FAIL'],
      'tag-not-equals': [allWhen({ StringNotEquals: { 'aws:ResourceTag/team': 'security' } }), 'FAIL'],
      'team-tagged': [allWhen({ StringEquals: { 'aws:ResourceTag/team': 'data' } }), 'PASS'],
      'pass-to-ec2': [policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), 'PASS'],
    };
    await seedIam(async (iam) => {
      for (const [name, [document]] of Object.entries(conditioned)) {
        await iam.send(new CreateUserCommand({ UserName: name }));
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'conditional', PolicyDocument: document }));
      }
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    for (const [name, [, status]] of Object.entries(conditioned)) expect([name, resultFor(report, CHECK, arn('user', name)).status]).toEqual([name, status]);
  });

  it('applies unconditional denies and permissions boundaries, which can take the grant away', async () => {
    await seedIam(async (iam) => {
      const everything = await iam.send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: starOnStar }));
      const s3Only = await iam.send(new CreatePolicyCommand({ PolicyName: 's3-only', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
      const user = async (name: string, ...statements: object[]) => {
        await iam.send(new CreateUserCommand({ UserName: name }));
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'grants', PolicyDocument: policy(...statements) }));
      };
      await user('denied-all', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*' });
      await user('pass-denied', { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' });
      await user('iam-denied', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' });
      await user('deny-without-mfa', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
      const role = async (name: string, boundary: string) => {
        await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: ec2Trust, PermissionsBoundary: boundary }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: everything.Policy!.Arn! }));
      };
      await role('bounded', s3Only.Policy!.Arn!);
      await role('unbounded', everything.Policy!.Arn!);
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    const deniedAll = resultFor(report, CHECK, arn('user', 'denied-all'));
    expect(deniedAll.status).toBe('PASS');
    expect(deniedAll.message).toContain("an explicit Deny cancels inline policy grants's * on *");
    expect(resultFor(report, CHECK, arn('user', 'pass-denied')).status).toBe('PASS');
    expect(resultFor(report, CHECK, arn('user', 'iam-denied')).status).toBe('FAIL');
    expect(resultFor(report, CHECK, arn('user', 'deny-without-mfa')).status).toBe('FAIL');
    const bounded = resultFor(report, CHECK, arn('role', 'bounded'));
    expect(bounded.status).toBe('PASS');
    expect(bounded.message).toBe("No policy of role bounded grants admin-equivalent access (1 policy checked; permissions boundary s3-only cancels managed policy everything's * on *).");
    expect(resultFor(report, CHECK, arn('role', 'unbounded')).status).toBe('FAIL');
  });

  it('reports roles named in acceptedAdminRoles as PASS, saying the admin grant is accepted, and only roles', async () => {
    await seedIam(async (iam) => {
      const everything = await iam.send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: starOnStar }));
      for (const name of ['AWSReservedSSO_AdministratorAccess_0123abcd', 'break-glass', 'deployer']) {
        await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: ec2Trust }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: everything.Policy!.Arn! }));
      }
      await iam.send(new CreateUserCommand({ UserName: 'break-glass' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'break-glass', PolicyName: 'all', PolicyDocument: starOnStar }));
    });
    const report = await scanChecks([iamNoFullAdminPrivileges], {
      thresholds: { acceptedAdminRoles: ['AWSReservedSSO_AdministratorAccess_*', `arn:aws:iam::${ACCOUNT_ID}:role/break-glass`, 'deploy?r'] },
    });
    const sso = resultFor(report, CHECK, arn('role', 'AWSReservedSSO_AdministratorAccess_0123abcd'));
    expect(sso.status).toBe('PASS');
    expect(sso.message).toBe(
      'Role AWSReservedSSO_AdministratorAccess_0123abcd is admin-equivalent (managed policy everything allows * on *), which the configuration accepts for this role (acceptedAdminRoles).',
    );
    expect(resultFor(report, CHECK, arn('role', 'break-glass')).status).toBe('PASS');
    expect(resultFor(report, CHECK, arn('role', 'deployer')).status).toBe('FAIL');
    expect(resultFor(report, CHECK, arn('user', 'break-glass')).status).toBe('FAIL');
  });
});

describe('iam_no_full_admin_privileges with AWS managed policies (moto does not load them)', () => {
  let iam: ReturnType<typeof iamMock>;
  beforeEach(() => {
    iam = iamMock();
  });
  afterEach(() => iam.restore());

  // GetAccountAuthorizationDetails as the IAM API reference shows it: URL-encoded documents, paged with Marker.
  const role = (name: string, attached: Array<{ PolicyName: string; PolicyArn: string }>) => ({
    RoleName: name,
    RoleId: `AROA${name.toUpperCase()}`,
    Arn: arn('role', name),
    Path: '/',
    CreateDate: daysBefore(400),
    AssumeRolePolicyDocument: encodeURIComponent(ec2Trust),
    RolePolicyList: [],
    AttachedManagedPolicies: attached,
    InstanceProfileList: [],
    RoleLastUsed: { LastUsedDate: daysBefore(1), Region: 'us-east-1' },
  });

  it('fails AWS AdministratorAccess even without its document, reads every page, and reports unknown policies as ERROR', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [role('ops', [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }])],
        Policies: [],
        IsTruncated: true,
        Marker: 'page-2',
      })
      .resolvesOnce({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [
          role('viewer', [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]),
          role('auditor', [{ PolicyName: 'SecurityAudit', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }]),
        ],
        Policies: [
          {
            PolicyName: 'ReadOnlyAccess',
            Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
            DefaultVersionId: 'v2',
            PolicyVersionList: [
              { VersionId: 'v1', IsDefaultVersion: false, Document: encodeURIComponent(starOnStar) },
              { VersionId: 'v2', IsDefaultVersion: true, Document: encodeURIComponent(policy({ Effect: 'Allow', Action: ['s3:Get*', 'ec2:Describe*'], Resource: '*' })) },
            ],
          },
        ],
        IsTruncated: false,
      });
    const report = await scanChecks([iamNoFullAdminPrivileges], { now: () => NOW });
    const pages = iam.commandCalls(GetAccountAuthorizationDetailsCommand);
    expect(pages).toHaveLength(2);
    expect(pages[1].args[0].input.Marker).toBe('page-2');
    expect(resultFor(report, CHECK, arn('role', 'ops')).message).toBe('Role ops is admin-equivalent: managed policy AdministratorAccess allows * on *.');
    const viewer = resultFor(report, CHECK, arn('role', 'viewer'));
    expect(viewer.status).toBe('PASS'); // only the default version counts
    const auditor = resultFor(report, CHECK, arn('role', 'auditor'));
    expect(auditor.status).toBe('ERROR');
    expect(auditor.message).toContain('managed policy SecurityAudit (its document was not returned)');
  });

  it('reports ERROR when an admin grant meets a permissions boundary whose document was not returned, and PASS when there is no grant to limit', async () => {
    const adminAccess = { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
    const boundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' };
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [
        { ...role('bounded-admin', [adminAccess]), PermissionsBoundary: boundary },
        { ...role('bounded-nothing', []), PermissionsBoundary: boundary },
      ],
      Policies: [],
      IsTruncated: false,
    });
    const report = await scanChecks([iamNoFullAdminPrivileges], { now: () => NOW });
    const boundedAdmin = resultFor(report, CHECK, arn('role', 'bounded-admin'));
    expect(boundedAdmin.status).toBe('ERROR');
    expect(boundedAdmin.message).toBe('Cannot tell whether role bounded-admin is admin-equivalent: permissions boundary PowerUserAccess (its document was not returned).');
    expect(resultFor(report, CHECK, arn('role', 'bounded-nothing')).status).toBe('PASS');
  });
});
