#!/usr/bin/env node
// Scan scale benchmark: seeds a moto server with N IAM users, N roles and N buckets, runs
// the full catalog through the real engine, and records wall time, peak memory and AWS
// requests per scan. Usage: npm run build && node bench/scan.js [N ...]   (default 100 1000)
'use strict';
const { trackPeakRss, useEmulatorCredentials } = require('./lib');

useEmulatorCredentials();

const { IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateLoginProfileCommand, CreateRoleCommand } = require('@aws-sdk/client-iam');
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
const pLimit = require('p-limit');
const { startMoto } = require('../test/support/moto');
const { scanAccount } = require('../dist/src/engine/scanAccount');
const { DEFAULT_THRESHOLDS } = require('../dist/src/config/thresholds');

const REGIONS = ['us-east-1', 'eu-west-1'];

async function seed(n) {
  const cfg = { region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true };
  const iam = new IAMClient(cfg);
  const s3 = new S3Client(cfg);
  const limit = pLimit(16);
  const trust = (i) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        i % 2 === 0
          ? { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }
          : { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${String(100000000000 + i)}:root` }, Action: 'sts:AssumeRole' },
      ],
    });
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      limit(async () => {
        const UserName = `bench-user-${i}`;
        await iam.send(new CreateUserCommand({ UserName }));
        if (i % 2 === 0) await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Bench-Password-1!' }));
        if (i % 3 === 0) await iam.send(new CreateAccessKeyCommand({ UserName }));
        await iam.send(new CreateRoleCommand({ RoleName: `bench-role-${i}`, AssumeRolePolicyDocument: trust(i) }));
        const region = REGIONS[i % REGIONS.length];
        await s3.send(
          new CreateBucketCommand({
            Bucket: `bench-bucket-${i}`,
            ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }),
          }),
        );
      }),
    ),
  );
  iam.destroy();
  s3.destroy();
}

async function measure(n) {
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
  try {
    const seedStart = Date.now();
    await seed(n);
    const seedMs = Date.now() - seedStart;
    global.gc?.();
    const memory = trackPeakRss(20);
    const started = process.hrtime.bigint();
    const report = await scanAccount({ config: { thresholds: DEFAULT_THRESHOLDS }, regions: REGIONS });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const { peakRssMiB, rssGrowthMiB } = memory.stop();
    const resources = 3 * n;
    const requests = report.summary.awsRequests;
    return {
      n,
      regions: REGIONS.length,
      seedMs,
      wallMs: Math.round(wallMs),
      peakRssMiB,
      rssGrowthMiB,
      results: report.results.length,
      requests: requests.total,
      requestsPerResource: +(requests.total / resources).toFixed(2),
      topOperations: Object.entries(requests.byOperation)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8),
    };
  } finally {
    moto.child.kill('SIGTERM');
  }
}

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  for (const n of sizes.length ? sizes : [100, 1000]) {
    process.stdout.write(`${JSON.stringify(await measure(n))}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exitCode = 1;
});
