#!/usr/bin/env node
// Multi-account scan benchmark: an organization of N member accounts on a moto server, each with
// its scanner role (trusting the bot's account with the account's own external ID), M IAM users
// and M S3 buckets over two regions; the full catalog is run through every account's role by the
// real engine (scanAccounts): once over all N members (cold emulator), then for the first 10, 25
// and all N members (OU filters); one JSON line per run records wall time, peak RSS, AWS requests
// and results. The bot's own account is scanned in every run too.
// Usage: npm run build && node --expose-gc bench/accounts.js [--accounts 50] [--resources 50] [--steps 10,25,50] [--concurrency 4]
'use strict';
const { trackPeakRss, useEmulatorCredentials } = require('./lib');

useEmulatorCredentials();

const { parseArgs } = require('node:util');
const { EC2Client, DescribeVpcsCommand } = require('@aws-sdk/client-ec2');
const { IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateLoginProfileCommand, CreateRoleCommand } = require('@aws-sdk/client-iam');
const {
  OrganizationsClient,
  CreateOrganizationCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
} = require('@aws-sdk/client-organizations');
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
const { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const pLimit = require('p-limit');
const { startMoto } = require('../test/support/moto');
const { parseAppConfig } = require('../dist/src/config/load');
const { scanAccounts } = require('../dist/src/engine/scanAccounts');
const { SqliteStore } = require('../dist/src/store');
const { accountRegistration, registerAccount } = require('../dist/src/store/accountRegistry');

const REGIONS = ['us-east-1', 'eu-west-1'];

const sdk = (credentials, region = 'us-east-1') => ({ region, endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true, ...(credentials ? { credentials } : {}) });

/** An administrator's credentials in a member account (moto puts AssumeRole credentials in the role's account). */
async function adminOf(accountId) {
  const sts = new STSClient(sdk());
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'bench-admin' }));
  sts.destroy();
  const c = out.Credentials;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** The organization, its members in consecutive OUs sized by the steps (10, 15, 25 for 10,25,50), and each OU's id. */
async function seedOrganization(members, steps) {
  const org = new OrganizationsClient(sdk());
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots[0].Id;
  const groups = [];
  let from = 0;
  for (const step of steps) {
    const ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `first-${step}` }))).OrganizationalUnit.Id;
    const ids = [];
    for (let i = from; i < step; i += 1) {
      const id = (await org.send(new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }))).CreateAccountStatus.AccountId;
      await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ou }));
      ids.push(id);
    }
    groups.push({ step, ou, ids });
    from = step;
  }
  org.destroy();
  return groups;
}

async function seedMember(accountId, botAccountId, externalId, resources) {
  const credentials = await adminOf(accountId);
  const iam = new IAMClient(sdk(credentials));
  const s3 = Object.fromEntries(REGIONS.map((r) => [r, new S3Client(sdk(credentials, r))]));
  const limit = pLimit(8);
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ftr-bot-scanner',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${botAccountId}:role/ftr-bot-task` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
      }),
    }),
  );
  await Promise.all(
    Array.from({ length: resources }, (_, i) =>
      limit(async () => {
        const UserName = `user-${i}`;
        await iam.send(new CreateUserCommand({ UserName }));
        if (i % 2 === 0) await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Bench-Password-1!' }));
        if (i % 3 === 0) await iam.send(new CreateAccessKeyCommand({ UserName }));
        const region = REGIONS[i % REGIONS.length];
        await s3[region].send(
          new CreateBucketCommand({ Bucket: `m${accountId}-b${i}`, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }) }),
        );
      }),
    ),
  );
  // moto builds an account's EC2 back end (default VPCs, images) on first use: done here, not in the measured scans.
  for (const region of REGIONS) {
    const ec2 = new EC2Client(sdk(credentials, region));
    await ec2.send(new DescribeVpcsCommand({}));
    ec2.destroy();
  }
  iam.destroy();
  for (const client of Object.values(s3)) client.destroy();
}

async function measure({ groups, step, concurrency, store }) {
  const ous = groups.filter((g) => g.step <= step).map((g) => g.ou);
  const config = parseAppConfig({ organization: { scanMembers: true, organizationalUnits: ous, accountConcurrency: concurrency } });
  global.gc?.();
  const memory = trackPeakRss(20);
  const started = process.hrtime.bigint();
  const report = await scanAccounts({ config, regions: REGIONS, registration: (id) => accountRegistration(store, id) });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { peakRssMiB, rssGrowthMiB } = memory.stop();
  const access = report.results.filter((r) => r.checkId === 'account_access');
  return {
    members: step,
    accountsScanned: report.accounts.length,
    regions: report.regions.length,
    concurrency,
    wallMs: Math.round(wallMs),
    msPerAccount: Math.round(wallMs / report.accounts.length),
    peakRssMiB,
    rssGrowthMiB,
    results: report.results.length,
    accessPass: access.filter((r) => r.status === 'PASS').length,
    accessError: access.filter((r) => r.status === 'ERROR').length,
    requests: report.summary.awsRequests.total,
    requestsPerAccount: Math.round(report.summary.awsRequests.total / report.accounts.length),
    topOperations: Object.entries(report.summary.awsRequests.byOperation)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '50' }, resources: { type: 'string', default: '50' }, steps: { type: 'string' }, concurrency: { type: 'string', default: '4' } },
  });
  const members = Number(values.accounts);
  const steps = (values.steps ?? [10, 25, members].filter((n) => n <= members).join(',')).split(',').map(Number);
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
  const store = new SqliteStore(':memory:');
  try {
    const seedStart = Date.now();
    const botAccountId = (await new STSClient(sdk()).send(new GetCallerIdentityCommand({}))).Account;
    const groups = await seedOrganization(members, steps);
    const ids = groups.flatMap((g) => g.ids);
    // One at a time, as `ftr accounts add` runs: the registry's list of accounts is read, then written.
    const externalIds = [];
    for (const id of ids) externalIds.push((await registerAccount(store, { accountId: id, createdBy: 'bench', now: () => new Date() })).externalId);
    const limit = pLimit(4);
    await Promise.all(ids.map((id, i) => limit(() => seedMember(id, botAccountId, externalIds[i], Number(values.resources)))));
    process.stdout.write(`${JSON.stringify({ seeded: members, resourcesPerAccount: 2 * Number(values.resources), seedMs: Date.now() - seedStart })}\n`);
    // moto builds each account's service back ends on first use: the first scan of all accounts pays for that ("cold");
    // the runs measured after it ("warm") show what the scan itself costs as accounts are added.
    const concurrency = Number(values.concurrency);
    process.stdout.write(`${JSON.stringify({ run: 'cold', ...(await measure({ groups, step: members, concurrency, store })) })}\n`);
    for (const step of steps) {
      process.stdout.write(`${JSON.stringify({ run: 'warm', ...(await measure({ groups, step, concurrency, store })) })}\n`);
    }
  } finally {
    await store.close();
    moto.child.kill('SIGTERM');
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exitCode = 1;
});
