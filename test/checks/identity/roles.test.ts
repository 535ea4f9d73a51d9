import { CreateRoleCommand, GetAccountAuthorizationDetailsCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { iamRoleCrossAccountExternalId } from '../../../src/checks/identity/crossAccountExternalId';
import { iamRoleExternalIdUnique } from '../../../src/checks/identity/externalIdUnique';
import { iamRoleUnused } from '../../../src/checks/identity/unusedRoles';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { DAY_MS, daysBefore, iamMock, NOW, policy, seedIam } from './iamFixtures';

const TRUST = 'iam_role_cross_account_external_id';
const UNIQUE = 'iam_role_external_id_unique';
const VENDOR = '111122223333';
const OTHER_VENDOR = '444455556666';
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;

const assume = (principal: unknown, condition?: object) => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
const withExternalId = (externalId: string) => ({ StringEquals: { 'sts:ExternalId': externalId } });

async function createRoles(iam: IAMClient, roles: Record<string, object[]>) {
  for (const [name, statements] of Object.entries(roles)) {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: policy(...statements) }));
  }
}

describe('iam_role_cross_account_external_id (FTR-7.5, FTR-11.3) against moto', () => {
  beforeEach(resetMoto);

  it('fails external accounts and * without an external ID, passes them with one, and skips own, service and federated principals', async () => {
    await seedIam((iam) =>
      createRoles(iam, {
        'vendor-no-id': [assume({ AWS: `arn:aws:iam::${VENDOR}:root` })],
        'vendor-with-id': [assume({ AWS: VENDOR }, withExternalId('a1b2c3d4-vendor-generated'))],
        'vendor-role-list': [assume({ AWS: [`arn:aws:iam::${ACCOUNT_ID}:role/admin`, `arn:aws:iam::${OTHER_VENDOR}:role/their-deployer`] })],
        'anyone': [assume('*')],
        'anyone-in-org': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })],
        'own-account': [assume({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` })],
        'ec2': [assume({ Service: 'ec2.amazonaws.com' })],
        'sso-federated': [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    const noId = resultFor(report, TRUST, roleArn('vendor-no-id'));
    expect(noId.status).toBe('FAIL');
    expect(noId.message).toBe(`Role vendor-no-id can be assumed without an sts:ExternalId condition by account ${VENDOR} (arn:aws:iam::${VENDOR}:root).`);
    const withId = resultFor(report, TRUST, roleArn('vendor-with-id'));
    expect(withId.status).toBe('PASS');
    expect(withId.message).not.toContain('a1b2c3d4');
    const list = resultFor(report, TRUST, roleArn('vendor-role-list'));
    expect(list.status).toBe('FAIL');
    expect(list.message).toContain(`account ${OTHER_VENDOR} (arn:aws:iam::${OTHER_VENDOR}:role/their-deployer)`);
    expect(list.message).not.toContain(`${ACCOUNT_ID}:role/admin`);
    expect(resultFor(report, TRUST, roleArn('anyone')).message).toContain('any AWS principal (*) with no aws:PrincipalOrgID');
    expect(resultFor(report, TRUST, roleArn('anyone-in-org')).status).toBe('PASS');
    for (const skipped of ['own-account', 'ec2', 'sso-federated']) {
      expect(report.results.filter((r) => r.resource === roleArn(skipped))).toEqual([]);
    }
  });

  it('counts configured trusted accounts and the organization’s accounts as inside', async () => {
    const aws = testAccess();
    let member: string;
    try {
      const organizations = aws.client(OrganizationsClient, 'us-east-1');
      await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      const created = await organizations.send(new CreateAccountCommand({ AccountName: 'prod', Email: 'prod@example.com' }));
      member = created.CreateAccountStatus!.AccountId!;
    } finally {
      aws.destroy();
    }
    await seedIam((iam) =>
      createRoles(iam, {
        'org-member': [assume({ AWS: `arn:aws:iam::${member}:root` })],
        'trusted-tooling': [assume({ AWS: VENDOR })],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId], { thresholds: { trustedAccountIds: [VENDOR] } });
    const result = resultFor(report, TRUST, 'account');
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.message).toMatch(/^None of the 2 roles .* trusts an AWS account outside this account, organization o-\w+ and the configured trusted accounts\.$/);
  });
});

describe('iam_role_external_id_unique (FTR-11.5) against moto', () => {
  beforeEach(resetMoto);

  it('fails roles sharing one external ID across different accounts without printing it, and passes unique or same-account reuse', async () => {
    const shared = 'shared-secret-0123456789';
    await seedIam((iam) =>
      createRoles(iam, {
        'vendor-a': [assume({ AWS: VENDOR }, withExternalId(shared))],
        'vendor-b': [assume({ AWS: `arn:aws:iam::${OTHER_VENDOR}:root` }, withExternalId(shared))],
        'vendor-c': [assume({ AWS: '999988887777' }, withExternalId('c-unique-external-id'))],
        'vendor-c-2': [assume({ AWS: '999988887777' }, withExternalId('c-unique-external-id'))],
      }),
    );
    const report = await scanChecks([iamRoleExternalIdUnique]);
    const a = resultFor(report, UNIQUE, roleArn('vendor-a'));
    expect(a.status).toBe('FAIL');
    expect(a.message).toBe(`Role vendor-a shares an external ID across external accounts: "shar…" (24 characters) is accepted for accounts ${VENDOR}, ${OTHER_VENDOR} and also used by role vendor-b.`);
    expect(resultFor(report, UNIQUE, roleArn('vendor-b')).message).toContain('also used by role vendor-a');
    for (const name of ['vendor-c', 'vendor-c-2']) {
      const result = resultFor(report, UNIQUE, roleArn(name));
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('"c-un…" (20 characters)');
    }
    expect(report.results.map((r) => r.message).join(' ')).not.toContain(shared);
  });
});

describe('iam_role_unused (FTR-7.7)', () => {
  describe('against moto', () => {
    beforeEach(resetMoto);

    it('passes a new role never used and fails it once the window has passed', async () => {
      await seedIam((iam) => createRoles(iam, { worker: [assume({ Service: 'lambda.amazonaws.com' })] }));
      const fresh = resultFor(await scanChecks([iamRoleUnused]), 'iam_role_unused', roleArn('worker'));
      expect(fresh.status).toBe('PASS');
      const later = resultFor(await scanChecks([iamRoleUnused], { now: () => new Date(Date.now() + 95 * DAY_MS) }), 'iam_role_unused', roleArn('worker'));
      expect(later.status).toBe('FAIL');
      expect(later.message).toMatch(/^Role worker has no recorded use since it was created \d{4}-\d{2}-\d{2} \(95 days ago\), over 90 days\.$/);
    });
  });

  describe('with RoleLastUsed dates (moto records none)', () => {
    let iam: ReturnType<typeof iamMock>;
    beforeEach(() => {
      iam = iamMock();
    });
    afterEach(() => iam.restore());

    const role = (name: string, path: string, lastUsed?: Date) => ({
      RoleName: name,
      RoleId: `AROA${name.toUpperCase().replace(/\W/g, '')}`,
      Arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`,
      Path: path,
      CreateDate: daysBefore(500),
      AssumeRolePolicyDocument: encodeURIComponent(policy(assume({ Service: 'lambda.amazonaws.com' }))),
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      InstanceProfileList: [],
      RoleLastUsed: lastUsed ? { LastUsedDate: lastUsed, Region: 'eu-west-1' } : {},
    });

    it('fails roles last used before the window, passes recent use, and skips service-linked roles', async () => {
      iam.on(GetAccountAuthorizationDetailsCommand).resolves({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [
          role('stale', '/', daysBefore(200)),
          role('busy', '/', daysBefore(2)),
          role('AWSServiceRoleForSupport', '/aws-service-role/support.amazonaws.com/'),
        ],
        Policies: [],
        IsTruncated: false,
      });
      const report = await scanChecks([iamRoleUnused], { now: () => NOW });
      const stale = resultFor(report, 'iam_role_unused', roleArn('stale'));
      expect(stale.status).toBe('FAIL');
      expect(stale.message).toBe(`Role stale was last used ${daysBefore(200).toISOString().slice(0, 10)} (200 days ago), over 90 days.`);
      expect(resultFor(report, 'iam_role_unused', roleArn('busy')).status).toBe('PASS');
      expect(report.results.filter((r) => r.resource.includes('AWSServiceRoleForSupport'))).toEqual([]);

      const lenient = await scanChecks([iamRoleUnused], { now: () => NOW, thresholds: { unusedRoleDays: 365 } });
      expect(resultFor(lenient, 'iam_role_unused', roleArn('stale')).status).toBe('PASS');
    });
  });
});
