import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { CloseAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsAccess } from '../../src/aws/clients';
import { catalog } from '../../src/checks/catalog';
import { parseAppConfig } from '../../src/config/load';
import type { CheckResult } from '../../src/core/types';
import { organizationMemberIds, resolveScanTargets } from '../../src/engine/accounts';
import { runScan } from '../../src/engine/scan';
import { accountsScanner, scanAccounts, type AccountsScanProgress } from '../../src/engine/scanAccounts';
import { ScanSetupError } from '../../src/engine/scanAccount';
import { accountRegistration, registerAccount } from '../../src/store/accountRegistry';
import { SqliteStore } from '../../src/store';
import { ACCOUNT_ID, resetMoto, testAccess } from '../support/aws';
import { reportSchemaErrors } from '../support/contracts';
import { ALLOW_EVERYTHING, asBotUserWithIamAuthentication, createOrganization, createScannerRole, memberAccess, putRolePolicy } from './memberAccounts';

const CHECK_IDS = ['s3_bucket_public_access_restricted', 'iam_password_policy_strong', 'iam_role_cross_account_external_id', 'guardduty_is_enabled'];
const checks = catalog.filter((c) => CHECK_IDS.includes(c.id));
const REGIONS = ['us-east-1', 'eu-west-1'];
const at = () => new Date('2026-11-02T09:00:00Z');

function accessResults(results: readonly CheckResult[], accountId: string): CheckResult[] {
  return results.filter((r) => r.accountId === accountId && r.checkId === 'account_access');
}

async function publicBucket(member: AwsAccess, bucket: string): Promise<void> {
  const s3 = member.client(S3Client, 'us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }),
    }),
  );
}

describe('scanning several accounts through scanner roles (moto)', () => {
  let store: SqliteStore;
  const members: AwsAccess[] = [];
  const member = async (accountId: string) => {
    const access = await memberAccess(accountId);
    members.push(access);
    return access;
  };
  const register = (accountId: string) => registerAccount(store, { accountId, createdBy: 'test', now: at });
  const registration = (accountId: string) => accountRegistration(store, accountId);

  beforeEach(async () => {
    await resetMoto();
    store = new SqliteStore(':memory:', at);
  });
  afterEach(async () => {
    for (const access of members.splice(0)) access.destroy();
    await store.close();
  });

  it('scans the organization members under the configured OU through their roles, judging each account on its own resources', async () => {
    const ambient = testAccess();
    const org = await createOrganization(ambient, { payments: ['prod'], ledger: ['prod', 'eu'], sandbox: ['dev'] });
    ambient.destroy();
    const { payments, ledger, sandbox } = org.accounts;
    for (const id of [payments, ledger, sandbox]) {
      const { externalId } = await register(id);
      await createScannerRole(await member(id), { externalId });
    }
    await publicBucket(await member(ledger), 'ledger-exports');
    await (await member(payments)).client(GuardDutyClient, 'eu-west-1').send(new CreateDetectorCommand({ Enable: true }));

    const progress: AccountsScanProgress[] = [];
    const reports: string[] = [];
    const config = parseAppConfig({ organization: { scanMembers: true, organizationalUnits: [org.ous.prod] } });
    const report = await scanAccounts({
      config,
      regions: REGIONS,
      checks,
      registration,
      now: at,
      onProgress: (p) => progress.push(p),
      onAccountReport: (r) => reports.push(r.accounts[0]),
    });

    expect(reportSchemaErrors(report)).toEqual([]);
    // The bot's own account first, then the members under prod (at any depth); sandbox is under dev.
    expect(report.accounts).toEqual([ACCOUNT_ID, ...[payments, ledger].sort()]);
    expect(report.results.some((r) => r.accountId === sandbox)).toBe(false);
    expect(reports.sort()).toEqual([...report.accounts].sort());

    const bucket = report.results.filter((r) => r.checkId === 's3_bucket_public_access_restricted' && r.resource === 'arn:aws:s3:::ledger-exports');
    expect(bucket).toEqual([expect.objectContaining({ accountId: ledger, status: 'FAIL' })]);
    const guardDuty = (accountId: string, region: string) =>
      report.results.find((r) => r.checkId === 'guardduty_is_enabled' && r.accountId === accountId && r.region === region)?.status;
    expect(guardDuty(payments, 'eu-west-1')).toBe('PASS');
    expect(guardDuty(payments, 'us-east-1')).toBe('FAIL');
    expect(guardDuty(ledger, 'eu-west-1')).toBe('FAIL');

    for (const id of [payments, ledger]) {
      expect(accessResults(report.results, id)).toEqual([
        expect.objectContaining({ status: 'PASS', refs: ['FTR-11.1', 'FTR-11.3'], resource: `arn:aws:iam::${id}:role/ftr-bot-scanner` }),
      ]);
    }
    expect(accessResults(report.results, ACCOUNT_ID)).toEqual([]);
    expect(report.summary.FAIL).toBe(report.results.filter((r) => r.status === 'FAIL').length);
    expect(report.summary.awsRequests.byOperation['sts:AssumeRole']).toBe(2);
    expect(report.summary.awsRequests.byOperation['organizations:ListAccountsForParent']).toBeGreaterThanOrEqual(2);

    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ accountsDone: 3, accountsTotal: 3 });
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(3 * checks.filter((c) => c.scope === 'global').length + 3 * REGIONS.length * checks.filter((c) => c.scope === 'regional').length);
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done)).toBe(true);
  });

  it('reports an account it cannot reach as an ERROR of that account, and still scans the others', async () => {
    const [good, missingRole, wrongId, unguarded, unregistered] = ['210000000001', '210000000002', '210000000003', '210000000004', '210000000005'];
    const { externalId } = await register(good);
    await createScannerRole(await member(good), { externalId });
    await register(missingRole);
    await register(wrongId);
    await createScannerRole(await member(wrongId), { externalId: 'an-id-the-customer-chose' });
    await register(unguarded);
    await createScannerRole(await member(unguarded), {});
    const config = parseAppConfig({
      accounts: [good, missingRole, wrongId, unguarded, unregistered].map((id, i) => ({ id, roleArn: `arn:aws:iam::${id}:role/ftr-bot-scanner`, alias: `acct-${i}` })),
    });

    const report = await scanAccounts({ config, regions: ['us-east-1'], checks, registration, now: at });

    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.accounts).toEqual([ACCOUNT_ID, good, missingRole, wrongId, unguarded, unregistered]);
    expect(accessResults(report.results, good)).toEqual([expect.objectContaining({ status: 'PASS' })]);
    // The member's own view of the scanner role: a way in for the bot's account (outside its organization), guarded by the external ID.
    const role = report.results.find((r) => r.accountId === good && r.checkId === 'iam_role_cross_account_external_id' && r.resource.endsWith('role/ftr-bot-scanner'));
    expect(role?.status).toBe('PASS');
    const only = (accountId: string) => {
      const results = report.results.filter((r) => r.accountId === accountId);
      expect(results).toEqual([expect.objectContaining({ checkId: 'account_access', status: 'ERROR', region: 'global', severity: 'high', resource: `arn:aws:iam::${accountId}:role/ftr-bot-scanner` })]);
      expect(results[0].remediation).toContain('deploy/scanner-role.yaml');
      return results[0];
    };
    expect(only(missingRole).message).toBe(`Role arn:aws:iam::${missingRole}:role/ftr-bot-scanner does not exist, so the account was not scanned.`);
    expect(only(wrongId)).toMatchObject({ refs: ['FTR-11.1', 'FTR-11.3'], message: expect.stringContaining('requires an external ID other than the one the bot generated') });
    expect(only(unguarded)).toMatchObject({ refs: ['FTR-11.1', 'FTR-11.3'], message: expect.stringContaining(`lets account ${ACCOUNT_ID} assume it without an external ID`) });
    expect(only(unregistered)).toMatchObject({
      refs: ['FTR-11.1', 'FTR-11.4'],
      message: `Cannot scan account ${unregistered} (acct-4): no external ID: run npx ftr accounts add ${unregistered}.`,
    });
    expect(report.summary.ERROR).toBeGreaterThanOrEqual(4);
    // The unregistered account is never assumed: there is no external ID to present.
    expect(report.summary.awsRequests.byOperation['sts:AssumeRole']).toBe(4);
  });

  it('reports STS refusing the role (AccessDenied) as that account\'s ERROR, naming the role and the error', async () => {
    const [allowed, refused, unreadable] = ['230000000001', '230000000002', '230000000003'];
    for (const id of [allowed, refused, unreadable]) {
      const { externalId } = await register(id);
      const access = await member(id);
      await createScannerRole(access, { externalId });
      const denyGetRole = id === unreadable ? [{ Effect: 'Deny', Action: 'iam:GetRole', Resource: '*' }] : [];
      await putRolePolicy(access, 'ftr-bot-scanner', { ...ALLOW_EVERYTHING, Statement: [...ALLOW_EVERYTHING.Statement, ...denyGetRole] });
    }
    const refusedRole = `arn:aws:iam::${refused}:role/ftr-bot-scanner`;
    const botPolicy = { Version: '2012-10-17', Statement: [...ALLOW_EVERYTHING.Statement, { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: refusedRole }] };
    const config = parseAppConfig({ accounts: [allowed, refused, unreadable].map((id) => ({ id, roleArn: `arn:aws:iam::${id}:role/ftr-bot-scanner` })) });

    const report = await asBotUserWithIamAuthentication(botPolicy, () => scanAccounts({ config, regions: ['us-east-1'], checks, registration, now: at }));

    expect(report.accounts).toEqual([ACCOUNT_ID, allowed, refused, unreadable]);
    expect(accessResults(report.results, allowed)).toEqual([expect.objectContaining({ status: 'PASS', refs: ['FTR-11.1', 'FTR-11.3'] })]);
    const results = report.results.filter((r) => r.accountId === refused);
    expect(results).toEqual([expect.objectContaining({ checkId: 'account_access', status: 'ERROR', refs: ['FTR-11.1'], resource: refusedRole })]);
    expect(results[0].message).toMatch(new RegExp(`^Cannot scan account ${refused}: assuming role ${refusedRole} with its external ID failed: access denied \\(AccessDenied: .*not authorized to perform: sts:AssumeRole`));
    // A role that may not read its own trust policy is still used, and the evidence says what is not shown.
    expect(accessResults(report.results, unreadable)).toEqual([
      expect.objectContaining({ status: 'PASS', refs: ['FTR-11.1'], message: expect.stringMatching(/whether its trust policy requires the ID is not shown \(iam:GetRole: access denied/) }),
    ]);
    expect(report.results.filter((r) => r.accountId === unreadable).length).toBeGreaterThan(1);
  });

  it('never has more accounts in flight than accountConcurrency', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `22000000000${i}`);
    for (const id of ids) {
      const { externalId } = await register(id);
      await createScannerRole(await member(id), { externalId });
    }
    let inFlight = 0;
    let most = 0;
    let secondArrived: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondArrived = resolve));
    const counting: typeof runScan = async (options) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      if (inFlight >= 2) secondArrived();
      // The first scan waits for a second one, so that the bound is reached, not merely respected.
      await second;
      try {
        return await runScan(options);
      } finally {
        inFlight -= 1;
      }
    };
    const config = parseAppConfig({ accounts: ids.map((id) => ({ id, roleArn: `arn:aws:iam::${id}:role/ftr-bot-scanner` })), organization: { accountConcurrency: 2 } });
    const report = await scanAccounts({ config, regions: ['us-east-1'], checks, registration, now: at, runScan: counting });
    expect(most).toBe(2);
    expect(report.accounts).toEqual([ACCOUNT_ID, ...ids]);
    expect(ids.every((id) => accessResults(report.results, id)[0]?.status === 'PASS')).toBe(true);
  });

  it('lists ACTIVE members, under the OUs at any depth, and the whole organization without a filter', async () => {
    const ambient = testAccess();
    try {
      const org = await createOrganization(ambient, { a: ['prod'], b: ['prod', 'eu', 'de'], c: ['dev'], d: [], closed: ['prod'] });
      const { a, b, c, d, closed } = org.accounts;
      await ambient.client(OrganizationsClient, 'us-east-1').send(new CloseAccountCommand({ AccountId: closed }));
      const listed = (organizationalUnits?: string[]) =>
        organizationMemberIds(ambient, 'us-east-1', { scanMembers: true, organizationalUnits, roleName: 'ftr-bot-scanner', accountConcurrency: 4 });
      expect(await listed([org.ous.prod])).toEqual([a, b].sort());
      expect(await listed([org.ous['prod/eu'], org.ous.dev])).toEqual([b, c].sort());
      expect(await listed()).toEqual([ACCOUNT_ID, a, b, c, d].sort());
      expect(await listed([org.rootId])).toEqual([ACCOUNT_ID, a, b, c, d].sort());

      // Configured accounts keep their role and alias; members get the organization's role name; the bot's own account is not repeated.
      await register(a);
      const resolved = await resolveScanTargets({
        ambientAccountId: ACCOUNT_ID,
        accounts: [
          { id: b, roleArn: `arn:aws:iam::${b}:role/custom`, alias: 'bee' },
          { id: ACCOUNT_ID, roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-scanner`, alias: 'tooling' },
        ],
        organization: { scanMembers: true, organizationalUnits: [org.ous.prod], roleName: 'scanner', accountConcurrency: 4 },
        ambient,
        homeRegion: 'us-east-1',
        registration,
      });
      expect(resolved.targets.map((t) => [t.accountId, t.source, t.access.kind, 'roleArn' in t.access ? t.access.roleArn : undefined, t.alias])).toEqual([
        [ACCOUNT_ID, 'ambient', 'ambient', undefined, 'tooling'],
        [b, 'config', 'unreachable', `arn:aws:iam::${b}:role/custom`, 'bee'],
        [a, 'organization', 'role', `arn:aws:iam::${a}:role/scanner`, undefined],
      ]);
    } finally {
      ambient.destroy();
    }
  });

  it('scans the configured accounts and says so when the organization cannot be listed', async () => {
    // No organization, so no such OU: listing under it fails as listing does from an account that may not.
    const config = parseAppConfig({ organization: { scanMembers: true, organizationalUnits: ['ou-abcd-12345678'] } });
    const report = await scanAccounts({ config, regions: ['us-east-1'], checks, registration, now: at });
    expect(report.accounts).toEqual([ACCOUNT_ID]);
    expect(accessResults(report.results, ACCOUNT_ID)).toEqual([
      expect.objectContaining({ status: 'ERROR', resource: 'organization', message: expect.stringMatching(/^The organization's member accounts could not be listed \(ParentNotFoundException: .*\), so only the configured accounts were scanned\.$/) }),
    ]);
  });

  it('scans one account at a time for a service that keeps a report per account', async () => {
    const [member1, unregistered] = ['240000000001', '240000000002'];
    const { externalId } = await register(member1);
    await createScannerRole(await member(member1), { externalId });
    const config = parseAppConfig({ accounts: [member1, unregistered].map((id) => ({ id, roleArn: `arn:aws:iam::${id}:role/ftr-bot-scanner` })) });
    const scanner = accountsScanner({ config, regions: ['us-east-1'], checks, registration, now: at });

    expect((await scanner.accounts()).map((t) => [t.accountId, t.access.kind])).toEqual([
      [ACCOUNT_ID, 'ambient'],
      [member1, 'role'],
      [unregistered, 'unreachable'],
    ]);
    const report = await scanner.scan(member1);
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.accounts).toEqual([member1]);
    expect(new Set(report.results.map((r) => r.accountId))).toEqual(new Set([member1]));
    expect(accessResults(report.results, member1)).toEqual([expect.objectContaining({ status: 'PASS' })]);
    expect(report.summary.awsRequests.byOperation['sts:AssumeRole']).toBe(1);
    expect((await scanner.scan(unregistered)).results).toEqual([expect.objectContaining({ checkId: 'account_access', status: 'ERROR' })]);
    await expect(scanner.scan('249999999999')).rejects.toThrow(ScanSetupError);
  });
});
