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
    expect(alice.message).toBe("User alice is granted * on * by group admins's managed policy everything.");
    expect(resultFor(report, CHECK, arn('user', 'bob')).message).toBe('User bob is granted * on * by inline policy bob-all.');
    expect(resultFor(report, CHECK, arn('group', 'admins')).status).toBe('FAIL');
    expect(resultFor(report, CHECK, arn('role', 'app')).message).toBe('Role app is granted * on * by managed policy everything.');
  });

  it('passes scoped policies and NotAction statements, and leaves service-linked roles out', async () => {
    await seedIam(async (iam) => {
      await iam.send(new CreateUserCommand({ UserName: 'reader' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 's3-read', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'all-but-iam', PolicyDocument: policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'star-on-one-bucket', PolicyDocument: policy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::reports/*' }) }));
      await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: ec2Trust }));
      const linked = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }));
      await iam.send(new PutRolePolicyCommand({ RoleName: linked.Role!.RoleName!, PolicyName: 'aws-owned', PolicyDocument: starOnStar }));
    });
    const report = await scanChecks([iamNoFullAdminPrivileges]);
    const reader = resultFor(report, CHECK, arn('user', 'reader'));
    expect(reader.status).toBe('PASS');
    expect(reader.message).toBe('No policy of user reader grants * on * (3 policies checked).');
    expect(resultFor(report, CHECK, arn('role', 'app')).status).toBe('PASS');
    expect(report.results.filter((r) => r.resource.includes('aws-service-role'))).toEqual([]);
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
    expect(resultFor(report, CHECK, arn('role', 'ops')).message).toBe('Role ops is granted * on * by managed policy AdministratorAccess.');
    const viewer = resultFor(report, CHECK, arn('role', 'viewer'));
    expect(viewer.status).toBe('PASS'); // only the default version counts
    const auditor = resultFor(report, CHECK, arn('role', 'auditor'));
    expect(auditor.status).toBe('ERROR');
    expect(auditor.message).toContain('managed policy SecurityAudit (its document was not returned)');
  });
});
