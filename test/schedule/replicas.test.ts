/**
 * Two `ftr serve` processes on one DynamoDB table (moto), scanning the moto account with the real
 * catalog on a fast schedule: each occurrence is summarised once, with the change made between
 * scans. Real processes and real time, as an operator runs them; the schedule logic itself is
 * covered on an injected clock in summaries.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoStore } from '../../src/store';
import { resetMoto, testAccess } from '../support/aws';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slackHarness';
import { freePort, serveEnv, spawnServe, waitForHealthy, type ServeProcess } from '../support/slackServe';

const CHANNEL = 'C0POSTURE1';
const TABLE = 'ftr-replicas';

/** The occurrences a process says it summarised, from its JSON log lines. */
function summarised(serve: ServeProcess): string[] {
  return serve
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"posture summary posted"'))
    .map((line) => JSON.parse(line).occurrence as string);
}

test('two replicas post exactly one summary per occurrence, with the change made between scans', async () => {
  await resetMoto();
  const setup = new DynamoStore({ table: TABLE, region: 'us-east-1' });
  await setup.ensureTable();
  await setup.close();
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'ftr-replicas-'));
  writeFileSync(join(dir, 'ftr.yml'), `summaries:\n  - channel: ${CHANNEL}\n    cron: "*/15 * * * * *"\n`);
  const serves: ServeProcess[] = [];
  const summaries = () => api.callsTo('chat.postMessage').filter((c) => c.outcome === 'ok' && c.args.channel === CHANNEL);
  try {
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      const env = serveEnv({ apiUrl: api.url, port, dir, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, extra: { STORE_URL: `dynamodb://${TABLE}?region=us-east-1`, LOG_LEVEL: 'info' } });
      const serve = spawnServe(env);
      serves.push(serve);
      await waitForHealthy(`http://127.0.0.1:${port}`, serve);
    }
    await api.waitFor(() => summaries().length >= 1, 60_000, 'the first summary');

    // A bucket appears between scans: the next summary names it among the new results.
    const aws = testAccess();
    await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'ftr-replica-new-bucket' }));
    aws.destroy();
    const first = summaries().length;
    const withBucket = await api.waitFor(
      () => summaries().slice(first).find((c) => JSON.stringify(c.args.blocks).includes('ftr-replica-new-bucket')),
      60_000,
      'a summary naming the new bucket',
    );
    expect(JSON.stringify(withBucket.args.blocks)).toMatch(/New failures/);

    // Every occurrence was posted by exactly one process, and every post is one occurrence.
    await new Promise((r) => setTimeout(r, 2_000));
    const occurrences = serves.flatMap(summarised);
    expect(new Set(occurrences).size).toBe(occurrences.length);
    expect(summaries().length).toBe(occurrences.length);
    expect(api.uploads().filter((u) => u.channel === CHANNEL && u.filename === 'ftr-posture-trend.png').length).toBeGreaterThanOrEqual(first);
  } finally {
    await Promise.all(
      serves.map(async (serve) => {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }),
    );
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
