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
        'anyone-in-other-org': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })],
        'own-account': [assume({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` })],
        'ec2': [assume({ Service: 'ec2.amazonaws.com' })],
        'sso-federated': [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    const noId = resultFor(report, TRUST, roleArn('vendor-no-id'));
    expect(noId.status).toBe('FAIL');
    expect(noId.message).toBe(`Role vendor-no-id lets third parties into this account without a guarding sts:ExternalId condition: account ${VENDOR} (arn:aws:iam::${VENDOR}:root).`);
    const withId = resultFor(report, TRUST, roleArn('vendor-with-id'));
    expect(withId.status).toBe('PASS');
    expect(withId.message).not.toContain('a1b2c3d4');
    const list = resultFor(report, TRUST, roleArn('vendor-role-list'));
    expect(list.status).toBe('FAIL');
    expect(list.message).toContain(`account ${OTHER_VENDOR} (arn:aws:iam::${OTHER_VENDOR}:role/their-deployer)`);
    expect(list.message).not.toContain(`${ACCOUNT_ID}:role/admin`);
    expect(resultFor(report, TRUST, roleArn('anyone')).message).toContain('any AWS principal (*), which no aws:PrincipalOrgID or aws:PrincipalAccount condition restricts');
    const otherOrg = resultFor(report, TRUST, roleArn('anyone-in-other-org'));
    expect(otherOrg.status).toBe('FAIL');
    expect(otherOrg.message).toContain('any principal of organization o-abc123 (* restricted by condition)');
    for (const skipped of ['own-account', 'ec2', 'sso-federated']) {
      expect(report.results.filter((r) => r.resource === roleArn(skipped))).toEqual([]);
    }
  });

  it('counts only a StringEquals-like test with concrete values as a guard, in any statement of the role', async () => {
    const id = 'f3a9c2e1-partner-generated';
    await seedIam((iam) =>
      createRoles(iam, {
        'equals': [assume({ AWS: VENDOR }, { StringEquals: { 'sts:ExternalId': id } })],
        'equals-ignore-case': [assume({ AWS: VENDOR }, { StringEqualsIgnoreCase: { 'sts:ExternalId': id } })],
        'any-value-equals': [assume({ AWS: VENDOR }, { 'ForAnyValue:StringEquals': { 'sts:ExternalId': id } })],
        'like-concrete': [assume({ AWS: VENDOR }, { StringLike: { 'sts:ExternalId': id } })],
        'like-wildcard': [assume({ AWS: VENDOR }, { StringLike: { 'sts:ExternalId': 'f3a9*' } })],
        'like-one-character': [assume({ AWS: VENDOR }, { StringLike: { 'sts:ExternalId': [id, 'f3a9c2e?'] } })],
        'equals-star': [assume({ AWS: VENDOR }, { StringEquals: { 'sts:ExternalId': '*' } })],
        'null-only': [assume({ AWS: VENDOR }, { Null: { 'sts:ExternalId': 'false' } })],
        'not-equals': [assume({ AWS: VENDOR }, { StringNotEquals: { 'sts:ExternalId': 'not-this-one' } })],
        'if-exists': [assume({ AWS: VENDOR }, { StringEqualsIfExists: { 'sts:ExternalId': id } })],
        'all-values': [assume({ AWS: VENDOR }, { 'ForAllValues:StringEquals': { 'sts:ExternalId': id } })],
        'second-statement-open': [assume({ AWS: VENDOR }, withExternalId(id)), assume({ AWS: `arn:aws:iam::${VENDOR}:role/ops` })],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    const statusOf = (name: string) => resultFor(report, TRUST, roleArn(name)).status;
    for (const guarded of ['equals', 'equals-ignore-case', 'any-value-equals', 'like-concrete']) expect([guarded, statusOf(guarded)]).toEqual([guarded, 'PASS']);
    for (const open of ['like-wildcard', 'like-one-character', 'equals-star', 'null-only', 'not-equals', 'if-exists', 'all-values', 'second-statement-open']) {
      expect([open, statusOf(open)]).toEqual([open, 'FAIL']);
    }
    expect(resultFor(report, TRUST, roleArn('second-statement-open')).message).toContain(`account ${VENDOR} (arn:aws:iam::${VENDOR}:role/ops)`);
  });

  it('takes a plain "deny unless the external ID matches" statement as a guard, and nothing with more conditions', async () => {
    const denyUnless = (condition: object) => ({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: condition });
    await seedIam((iam) =>
      createRoles(iam, {
        'deny-guarded': [assume({ AWS: VENDOR }), denyUnless({ StringNotEquals: { 'sts:ExternalId': 'b7e4-partner-generated' } })],
        'deny-only-from-ip': [
          assume({ AWS: VENDOR }),
          denyUnless({ StringNotEquals: { 'sts:ExternalId': 'b7e4-partner-generated' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
        ],
        'deny-wildcard': [assume({ AWS: VENDOR }), denyUnless({ StringNotLike: { 'sts:ExternalId': 'b7e4*' } })],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    expect(resultFor(report, TRUST, roleArn('deny-guarded')).status).toBe('PASS');
    expect(resultFor(report, TRUST, roleArn('deny-only-from-ip')).status).toBe('FAIL');
    expect(resultFor(report, TRUST, roleArn('deny-wildcard')).status).toBe('FAIL');
  });

  it('fails * whatever the external ID unless an organization or account condition restricts it, and skips * restricted to the own account', async () => {
    await seedIam((iam) =>
      createRoles(iam, {
        'public-with-id': [assume('*', { StringEquals: { 'sts:ExternalId': 'c0ffee-partner-generated' } })],
        'public-org-wildcard': [assume({ AWS: '*' }, { StringLike: { 'aws:PrincipalOrgID': 'o-*' } })],
        'public-account-if-exists': [assume({ AWS: '*' }, { StringEqualsIfExists: { 'aws:PrincipalAccount': VENDOR } })],
        'star-vendor-with-id': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': VENDOR, 'sts:ExternalId': 'c0ffee-partner-generated' } })],
        'star-vendor-no-id': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': VENDOR } })],
        'star-own-account': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': ACCOUNT_ID } })],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    const publicWithId = resultFor(report, TRUST, roleArn('public-with-id'));
    expect(publicWithId.status).toBe('FAIL');
    expect(publicWithId.message).toContain('an external ID does not make public trust private');
    expect(resultFor(report, TRUST, roleArn('public-org-wildcard')).status).toBe('FAIL');
    expect(resultFor(report, TRUST, roleArn('public-account-if-exists')).message).toContain('any AWS principal (*)');
    const vendorWithId = resultFor(report, TRUST, roleArn('star-vendor-with-id'));
    expect(vendorWithId.status).toBe('PASS');
    expect(vendorWithId.message).toContain(`account ${VENDOR} (* restricted by condition)`);
    expect(resultFor(report, TRUST, roleArn('star-vendor-no-id')).status).toBe('FAIL');
    expect(report.results.filter((r) => r.resource === roleArn('star-own-account'))).toEqual([]);
  });

  it('gives role findings as FTR-7.5 evidence and leaves FTR-11.3, the partner’s access into customer accounts, to attestation', async () => {
    await seedIam((iam) => createRoles(iam, { 'vendor-no-id': [assume({ AWS: VENDOR })] }));
    const report = await scanChecks([iamRoleCrossAccountExternalId]);
    expect(resultFor(report, TRUST, roleArn('vendor-no-id')).refs).toEqual(['FTR-7.5']);
    const manual = report.results.filter((r) => r.checkId === TRUST && r.status === 'MANUAL');
    expect(manual).toHaveLength(1);
    expect(manual[0].refs).toEqual(['FTR-11.3']);
    expect(manual[0].message).toContain('assumes roles in customer accounts');
  });

  it('counts configured trusted accounts and the organization’s accounts as inside, and * restricted to the own organization too', async () => {
    const aws = testAccess();
    let member: string;
    let orgId: string;
    try {
      const organizations = aws.client(OrganizationsClient, 'us-east-1');
      orgId = (await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
      const created = await organizations.send(new CreateAccountCommand({ AccountName: 'prod', Email: 'prod@example.com' }));
      member = created.CreateAccountStatus!.AccountId!;
    } finally {
      aws.destroy();
    }
    await seedIam((iam) =>
      createRoles(iam, {
        'org-member': [assume({ AWS: `arn:aws:iam::${member}:root` })],
        'trusted-tooling': [assume({ AWS: VENDOR })],
        'anyone-in-own-org': [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': orgId } })],
      }),
    );
    const report = await scanChecks([iamRoleCrossAccountExternalId], { thresholds: { trustedAccountIds: [VENDOR] } });
    const roleResults = report.results.filter((r) => r.checkId === TRUST && r.status !== 'MANUAL');
    expect(roleResults).toHaveLength(1);
    expect(roleResults[0].status).toBe('NOT_APPLICABLE');
    expect(roleResults[0].refs).toEqual(['FTR-7.5']);
    expect(roleResults[0].message).toMatch(/^None of the 3 roles .* trusts an AWS account outside this account, organization o-\w+ and the configured trusted accounts\.$/);
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

  it('counts only values a guarding condition requires as external IDs', async () => {
    const value = 'd00d-partner-generated';
    await seedIam((iam) =>
      createRoles(iam, {
        'vendor-a': [assume({ AWS: VENDOR }, withExternalId(value))],
        'vendor-b-if-exists': [assume({ AWS: OTHER_VENDOR }, { StringEqualsIfExists: { 'sts:ExternalId': value } })],
        'vendor-c-pattern': [assume({ AWS: '999988887777' }, { StringLike: { 'sts:ExternalId': 'd00d-*' } })],
      }),
    );
    const report = await scanChecks([iamRoleExternalIdUnique]);
    expect(resultFor(report, UNIQUE, roleArn('vendor-a')).status).toBe('PASS');
    for (const unguarded of ['vendor-b-if-exists', 'vendor-c-pattern']) expect(report.results.filter((r) => r.resource === roleArn(unguarded))).toEqual([]);
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
