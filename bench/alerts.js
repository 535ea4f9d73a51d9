// Alert pipeline under a storm: N EventBridge events (GuardDuty findings, their updates and
// redeliveries, S3 bucket policy changes, ~1% malformed) on an SQS queue with a dead-letter queue,
// consumed by the built app run as in production (`node bin/ftr.js serve`) against a local moto
// server and the local Slack stand-in, which holds chat.postMessage to Slack's one message per
// second per channel. The storm runs once undisturbed, then again (fresh queue, store and
// stand-in) with the app killed with SIGKILL mid-storm and restarted. Checks that every alert is
// on exactly one card and prints one JSON line per run.
//
//   npm run build && node bench/alerts.js [--events 10000] [--kills 2] [--buckets 40] [--burst 3]
//                                         [--max-queued 200] [--timeout 3600] [--tier-limits] [--seed 1]
'use strict';
const { spawn } = require('node:child_process');
const { createHash, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { percentile, seededRandom } = require('./lib');

const root = path.resolve(__dirname, '..');
const TOKEN = 'xoxb-0000-1111-benchmark';
const SECRET = '0123456789abcdef0123456789abcdef';
/** The account moto answers for: bucket alerts name it. */
const MOTO_ACCOUNT = '123456789012';
const ACCOUNTS = [MOTO_ACCOUNT, '210987654321', '345678901234'];
/** Regions of the storm and the channel each is routed to (ap-southeast-2 by no route: the default). */
const CHANNEL_BY_REGION = { 'us-east-1': 'C0ALERTS1', 'eu-west-1': 'C0ALERTS2', 'ap-southeast-2': 'C0ALERTS3' };
const CHANNELS = Object.values(CHANNEL_BY_REGION);
const CONFIG_YAML = `roles:
  admins: [U0ADMIN]
alerts:
  defaultChannel: C0ALERTS3
  routes:
    - channel: C0ALERTS1
      regions: [us-east-1]
    - channel: C0ALERTS2
      regions: [eu-west-1]
`;
const FINDING_TYPES = [
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 2, title: (i) => `${i} is performing SSH brute force attacks against 198.51.100.7.` },
  { type: 'Recon:EC2/PortProbeUnprotectedPort', severity: 5, title: (i) => `Unprotected port on EC2 instance ${i} is being probed.` },
  { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', severity: 8, title: (i) => `EC2 instance ${i} is querying a domain name that is associated with Bitcoin-related activity.` },
  { type: 'Backdoor:EC2/C&CActivity.B!DNS', severity: 8, title: (i) => `EC2 instance ${i} is querying a domain name associated with a known Command & Control server.` },
];
/** Slack's documented tiers of the methods the cards use besides chat.postMessage (with --tier-limits). */
const METHOD_TIERS = { 'chat.update': 3, 'chat.delete': 3, 'chat.postEphemeral': 4 };
const ACK_ACTION = 'ftr_alert_ack';
const DIGEST_ACK_ACTION = 'ftr_alert_ack_all';
const ENQUEUE_CONCURRENCY = 8;
// Every SQS call moto answers costs time in proportion to the messages in the queue (it recounts
// the queue's attributes for each message sent or received), so the storm is fed to keep at most
// `--max-queued` messages waiting, and the queue is polled no more often than needed.
const POLL_MS = 2000;
/** Queue empty and the DLQ count unchanged for this many polls in a row: drained. */
const STABLE_POLLS = 3;
/** No Slack call for this long after draining: the cards are settled. */
const QUIET_MS = 10_000;
const STOP_GRACE_MS = 60_000;

const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const pick = (random, items) => items[Math.floor(random() * items.length)];

function shuffle(random, items) {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const bucketName = (i) => `ftr-bench-${String(i).padStart(3, '0')}`;
/** Every second bucket is public. */
const isPublicBucket = (i) => i % 2 === 0;

function bucketPolicy(bucket, isPublic) {
  const principal = isPublic ? '*' : { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
  });
}

// Events are the test fixtures (as EventBridge delivers them) with the fields of each alert filled in.
const fixture = (name) => JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'events', name), 'utf8'));
const GUARDDUTY_EVENT = fixture('guardduty-instance.json');
const PUT_BUCKET_POLICY_EVENT = fixture('s3-put-bucket-policy.json');

/** The event of one GuardDuty finding at its `version`-th update (1: as first found). */
function guardDutyEvent(finding, version) {
  const { id, account, region, kind, instanceId, detectorId } = finding;
  const createdAt = new Date(finding.createdMs).toISOString();
  const updatedAt = new Date(finding.createdMs + version * 60_000).toISOString();
  const event = structuredClone(GUARDDUTY_EVENT);
  Object.assign(event, { id: randomUUID(), account, time: updatedAt, region });
  Object.assign(event.detail, {
    accountId: account,
    region,
    id,
    arn: `arn:aws:guardduty:${region}:${account}:detector/${detectorId}/finding/${id}`,
    type: kind.type,
    title: kind.title(instanceId),
    description: `${kind.title(instanceId)} Benchmark finding.`,
    severity: kind.severity,
    createdAt,
    updatedAt,
  });
  Object.assign(event.detail.resource.instanceDetails, { instanceId, availabilityZone: `${region}b` });
  Object.assign(event.detail.service, { detectorId, count: version, eventFirstSeen: createdAt, eventLastSeen: updatedAt });
  if (finding.withoutId) delete event.detail.id;
  return event;
}

/** A PutBucketPolicy call on a moto bucket, as CloudTrail reports it through EventBridge. */
function bucketPolicyEvent(bucket, isPublic, timeMs) {
  const time = new Date(timeMs).toISOString();
  const host = `${bucket}.s3.amazonaws.com`;
  const event = structuredClone(PUT_BUCKET_POLICY_EVENT);
  Object.assign(event, { id: randomUUID(), account: MOTO_ACCOUNT, time, region: 'us-east-1' });
  Object.assign(event.detail, {
    eventTime: time,
    awsRegion: 'us-east-1',
    requestID: randomUUID(),
    eventID: randomUUID(),
    recipientAccountId: MOTO_ACCOUNT,
    resources: [{ accountId: MOTO_ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
  Object.assign(event.detail.requestParameters, { bucketName: bucket, bucketPolicy: JSON.parse(bucketPolicy(bucket, isPublic)), Host: host });
  event.detail.tlsDetails.clientProvidedHostHeader = host;
  return event;
}

/**
 * The storm, in enqueue order: each entry is `{ body, key?, malformed? }` (`key`: the alert the
 * event belongs to). `expected` maps every alert the storm should produce to its channel.
 */
function buildStorm({ events, buckets, seed }) {
  const random = seededRandom(seed);
  const startMs = Date.now() - 60 * 60_000;
  const malformedCount = Math.max(3, Math.round(events * 0.01));
  const bucketEvents = Math.max(buckets, Math.round(events * 0.02));
  const duplicates = Math.round(events * 0.1);
  const guardDutyEvents = events - malformedCount - bucketEvents - duplicates;
  const findingCount = Math.max(1, Math.round(guardDutyEvents * 0.4));
  const findings = Array.from({ length: findingCount + 1 }, (_v, i) => {
    const region = pick(random, Object.keys(CHANNEL_BY_REGION));
    return {
      id: createHash('md5').update(`bench-finding-${seed}-${i}`).digest('hex'),
      account: pick(random, ACCOUNTS),
      region,
      kind: pick(random, FINDING_TYPES),
      instanceId: `i-${createHash('md5').update(`instance-${i}`).digest('hex').slice(0, 17)}`,
      detectorId: createHash('md5').update(region).digest('hex'),
      createdMs: startMs + Math.floor(random() * 30 * 60_000),
    };
  });
  const withoutId = { ...findings.pop(), withoutId: true };

  // Each finding once, then updates of random findings; versions follow the enqueue order.
  const slots = [
    ...findings.map((finding) => ({ finding })),
    ...Array.from({ length: guardDutyEvents - findingCount }, () => ({ finding: pick(random, findings) })),
    ...Array.from({ length: bucketEvents }, (_v, i) => ({ bucket: i % buckets })),
    ...Array.from({ length: malformedCount }, (_v, i) => ({ malformed: i % 3 })),
  ];
  shuffle(random, slots);
  const versions = new Map();
  const originals = slots.map((slot, i) => {
    if (slot.finding) {
      const version = (versions.get(slot.finding.id) ?? 0) + 1;
      versions.set(slot.finding.id, version);
      return { body: JSON.stringify(guardDutyEvent(slot.finding, version)), key: `guardduty:${slot.finding.id}` };
    }
    if (slot.bucket !== undefined) {
      const body = JSON.stringify(bucketPolicyEvent(bucketName(slot.bucket), isPublicBucket(slot.bucket), startMs + i * 1000));
      return { body, key: isPublicBucket(slot.bucket) ? `s3-public:${MOTO_ACCOUNT}:${bucketName(slot.bucket)}` : undefined };
    }
    const body = [
      `{"version":"0","id":"truncated-${i}","detail-type":"GuardDuty Fin`,
      JSON.stringify({ ...guardDutyEvent(findings[0], 1), detail: undefined }),
      JSON.stringify(guardDutyEvent({ ...withoutId, createdMs: withoutId.createdMs + i }, 1)),
    ][slot.malformed];
    return { body, malformed: true };
  });

  // Redeliveries: an identical body again, somewhere after the original.
  const ordered = originals.map((entry, i) => ({ entry, at: i }));
  const sources = originals.map((entry, i) => ({ entry, i })).filter(({ entry }) => !entry.malformed);
  for (let d = 0; d < duplicates; d += 1) {
    const { entry, i } = pick(random, sources);
    ordered.push({ entry, at: i + random() * (originals.length - i) });
  }
  const storm = ordered.sort((a, b) => a.at - b.at).map(({ entry }) => entry);

  const expected = new Map(findings.map((f) => [`guardduty:${f.id}`, CHANNEL_BY_REGION[f.region]]));
  for (let b = 0; b < buckets; b += 1) if (isPublicBucket(b)) expected.set(`s3-public:${MOTO_ACCOUNT}:${bucketName(b)}`, CHANNEL_BY_REGION['us-east-1']);
  const sent = { guardDutyFindings: findingCount, guardDutyUpdates: guardDutyEvents - findingCount, duplicates, bucketChanges: bucketEvents, publicBuckets: Math.ceil(buckets / 2), malformed: malformedCount };
  return { storm, expected, sent };
}

/** Children to kill if the benchmark stops early, whatever the reason. */
const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

function peakRssMiB(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? +(Number(kb[1]) / 1024).toFixed(1) : null;
  } catch {
    return null;
  }
}

function tail(file, lines = 20) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

async function main() {
  const events = option('events', 10_000);
  const kills = option('kills', 2);
  const buckets = option('buckets', 40);
  const burst = option('burst', 3);
  const maxQueued = option('max-queued', 200);
  const timeoutMs = option('timeout', 3600) * 1000;
  const seed = option('seed', 1);
  const tierLimits = argv.includes('--tier-limits');

  for (const [k, v] of Object.entries({
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  })) {
    process.env[k] = v;
  }
  // The Web API stand-in and the serve helpers are the tests' own TypeScript.
  require('../test/support/tsRequireHook').registerTypeScript();
  const { startMoto } = require('../test/support/moto');
  const { SlackApiStandIn, SLACK_TIER_PER_MINUTE } = require('../test/support/slackApi.ts');
  const { freePort, waitForHealthy } = require('../test/support/slackServe.ts');
  const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, ReceiveMessageCommand } = require('@aws-sdk/client-sqs');
  const { S3Client, CreateBucketCommand, PutBucketPolicyCommand } = require('@aws-sdk/client-s3');
  const Database = require('better-sqlite3');

  const moto = await startMoto();
  track(moto.child);
  process.env.AWS_ENDPOINT_URL = moto.url;
  const sqs = new SQSClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  for (let b = 0; b < buckets; b += 1) {
    await s3.send(new CreateBucketCommand({ Bucket: bucketName(b) }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucketName(b), Policy: bucketPolicy(bucketName(b), isPublicBucket(b)) }));
  }
  const { storm, expected, sent } = buildStorm({ events, buckets, seed });

  const queueCount = async (url) => {
    const { Attributes: a } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    );
    return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed) };
  };

  async function createQueues(name) {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
    const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 5 });
    const main = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30', RedrivePolicy } }))).QueueUrl;
    return { main, dlq };
  }

  /**
   * Sends the storm in batches of 10 while fewer than `maxQueued` messages wait (`feed.waiting`:
   * as last polled, plus those sent since); resolves to when each alert's first event was enqueued.
   */
  async function enqueue(queueUrl, feed) {
    const batches = [];
    for (let i = 0; i < storm.length; i += 10) batches.push(storm.slice(i, i + 10));
    const firstEnqueuedAt = new Map();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        while (feed.waiting >= maxQueued) await sleep(50);
        feed.waiting += batch.length;
        const answer = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((e, i) => ({ Id: String(i), MessageBody: e.body })) }));
        if (answer.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(answer.Failed[0])}`);
        const at = Date.now();
        // Batches finish out of order: keep the earliest.
        for (const { key } of batch) if (key) firstEnqueuedAt.set(key, Math.min(at, firstEnqueuedAt.get(key) ?? at));
      }
    };
    await Promise.all(Array.from({ length: ENQUEUE_CONCURRENCY }, worker));
    return firstEnqueuedAt;
  }

  /** Every body in the DLQ (received with a long visibility timeout, so each once). */
  async function dlqBodies(url) {
    const bodies = [];
    for (let empty = 0; empty < 3; ) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 0 }));
      bodies.push(...Messages.map((m) => m.Body));
      empty = Messages.length === 0 ? empty + 1 : 0;
    }
    return bodies;
  }

  /** One run of the storm; `killAtCards` lists the card counts at which the app is SIGKILLed. */
  async function run(scenario, killAtCards) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ftr-bench-alerts-${scenario}-`));
    const queues = await createQueues(`ftr-bench-${scenario}-${Date.now()}`);
    const api = await SlackApiStandIn.start({ token: TOKEN });
    api.limitChannelPosts({ perSecond: 1, burst });
    if (tierLimits) for (const [method, tier] of Object.entries(METHOD_TIERS)) api.limitMethod(method, { perMinute: SLACK_TIER_PER_MINUTE[tier] });
    fs.writeFileSync(path.join(dir, 'ftr.yaml'), CONFIG_YAML);
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      PORT: String(port),
      ALERT_QUEUE_URL: queues.main,
      FTR_CONFIG: path.join(dir, 'ftr.yaml'),
      STORE_URL: `sqlite://${path.join(dir, 'ftr.sqlite')}`,
      FTR_REGIONS: 'us-east-1',
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      LOG_LEVEL: 'warn',
    };
    const logFile = path.join(dir, 'app.log');
    const startApp = async () => {
      const out = fs.openSync(logFile, 'a');
      const child = track(spawn(process.execPath, [path.join(root, 'bin', 'ftr.js'), 'serve'], { cwd: root, env, stdio: ['ignore', out, out] }));
      fs.closeSync(out);
      await waitForHealthy(`http://127.0.0.1:${port}`, { child, stderr: () => tail(logFile) }, 60_000);
      return child;
    };
    const cardsPosted = () => CHANNELS.reduce((n, c) => n + api.topLevelMessages(c).length, 0);

    let app = await startApp();
    const rss = [];
    const killed = [];
    const started = Date.now();
    const deadline = started + timeoutMs;
    let enqueued = false;
    let enqueueError;
    const feed = { waiting: 0 };
    const enqueuing = enqueue(queues.main, feed).then(
      (firstAt) => {
        enqueued = true;
        return firstAt;
      },
      (err) => {
        enqueueError = err;
      },
    );
    const crashes = [];
    const lastCallAt = () => api.calls.at(-1)?.at ?? started;

    let drainedAt;
    let lastDlq = -1;
    let stablePolls = 0;
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      if (enqueueError) throw enqueueError;
      if (app.exitCode !== null) {
        // A crash is a finding, not the end of the run: say so, and start it again as a supervisor would.
        crashes.push({ afterMs: Date.now() - started, code: app.exitCode });
        process.stderr.write(`bench/alerts: ${scenario}: ftr serve exited with ${app.exitCode}:\n${tail(logFile)}\n`);
        app = await startApp();
        continue;
      }
      const main = await queueCount(queues.main);
      feed.waiting = main.visible;
      if (killed.length < killAtCards.length && cardsPosted() >= killAtCards[killed.length]) {
        rss.push(peakRssMiB(app.pid));
        app.kill('SIGKILL');
        await new Promise((r) => (app.exitCode !== null || app.signalCode !== null ? r() : app.once('exit', r)));
        killed.push({ afterMs: Date.now() - started, cards: cardsPosted(), queued: main.visible, inFlight: main.inFlight });
        app = await startApp();
        continue;
      }
      const dlq = (await queueCount(queues.dlq)).visible;
      const empty = enqueued && main.visible + main.inFlight === 0;
      stablePolls = empty && dlq === lastDlq ? stablePolls + 1 : 0;
      if (empty && drainedAt === undefined) drainedAt = Date.now();
      if (!empty) drainedAt = undefined;
      lastDlq = dlq;
      if (stablePolls >= STABLE_POLLS) break;
    }
    const timedOut = Date.now() >= deadline;
    const firstEnqueuedAt = await enqueuing;
    // Cards may still be on their way (paced) after the last message was deleted.
    while (Date.now() < deadline && Date.now() - lastCallAt() < QUIET_MS) await sleep(POLL_MS);
    const settledAt = lastCallAt();

    rss.push(peakRssMiB(app.pid));
    app.kill('SIGTERM');
    const stopped = await Promise.race([new Promise((r) => app.once('exit', (code, signal) => r({ code, signal }))), sleep(STOP_GRACE_MS).then(() => undefined)]);
    if (!stopped) app.kill('SIGKILL');

    const line = {
      benchmark: 'alerts',
      scenario,
      events: storm.length,
      sent,
      ...measure({ api, expected, firstEnqueuedAt, dbFile: path.join(dir, 'ftr.sqlite'), Database }),
      ...(await dlqCheck(queues.dlq)),
      drainMs: drainedAt === undefined ? null : drainedAt - started,
      settledMs: settledAt - started,
      timedOut,
      kills: killed,
      crashes,
      peakRssMiB: Math.max(...rss.filter((v) => v !== null)),
      appExit: stopped ? (stopped.signal ?? stopped.code) : `no exit within ${STOP_GRACE_MS} ms of SIGTERM (killed)`,
      appLogLines: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length : 0,
      burst,
      maxQueued,
      tierLimits,
      cpus: os.cpus().length,
      node: process.version,
    };
    await api.close();
    const healthy =
      line.lost + line.doubled + line.unexpected + line.misrouted + line.otherInDlq + crashes.length === 0 && line.malformedInDlq === sent.malformed && !timedOut;
    if (healthy) fs.rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`bench/alerts: ${scenario}: kept ${dir} (app.log, ftr.sqlite)\n`);
    return line;
  }

  async function dlqCheck(url) {
    const malformed = new Set(storm.filter((e) => e.malformed).map((e) => e.body));
    const bodies = await dlqBodies(url);
    return { malformedInDlq: bodies.filter((b) => malformed.has(b)).length, otherInDlq: bodies.filter((b) => !malformed.has(b)).length };
  }

  try {
    const undisturbed = await run('undisturbed', []);
    process.stdout.write(`${JSON.stringify(undisturbed)}\n`);
    if (kills > 0) {
      // Kill points spread from 25% to 60% of the cards the undisturbed run posted.
      const points = Array.from({ length: kills }, (_v, i) => Math.max(1, Math.round(undisturbed.cards * (kills === 1 ? 0.25 : 0.25 + (0.35 * i) / (kills - 1)))));
      process.stdout.write(`${JSON.stringify(await run('killed', points))}\n`);
    }
  } finally {
    sqs.destroy();
    s3.destroy();
    moto.child.kill('SIGTERM');
  }
}

function buttonsOf(message) {
  return message.blocks.flatMap((b) => [...(b.type === 'actions' ? b.elements : []), ...(b.accessory ? [b.accessory] : [])]).filter((e) => e?.type === 'button');
}

/** Lost, doubled and misrouted alerts, latency to the card, and the Slack traffic of one run. */
function measure({ api, expected, firstEnqueuedAt, dbFile, Database }) {
  const singleCards = new Map();
  const digestCards = new Set();
  let cards = 0;
  for (const channel of CHANNELS) {
    for (const message of api.topLevelMessages(channel)) {
      cards += 1;
      for (const b of buttonsOf(message)) {
        if (b.action_id === ACK_ACTION) singleCards.set(b.value, [...(singleCards.get(b.value) ?? []), message]);
        if (b.action_id === DIGEST_ACK_ACTION) digestCards.add(`${channel} ${message.ts}`);
      }
    }
  }
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  const rows = db.prepare('SELECT key, channel, ts, digest_id FROM alerts').all();
  db.close();
  const digested = new Map(rows.filter((r) => r.digest_id !== null).map((r) => [r.key, r]));

  const lost = [];
  const doubled = [];
  const misrouted = [];
  const latencies = [];
  for (const [key, channel] of expected) {
    const singles = singleCards.get(key) ?? [];
    const digest = digested.get(key);
    const onDigest = digest !== undefined && digestCards.has(`${digest.channel} ${digest.ts}`);
    if (singles.length === 0 && !onDigest) lost.push(key);
    if (singles.length + (digest ? 1 : 0) > 1) doubled.push(key);
    if ([...singles.map((m) => m.channel), ...(onDigest ? [digest.channel] : [])].some((c) => c !== channel)) misrouted.push(key);
    if (singles.length === 1 && !digest) latencies.push(singles[0].postedAt - firstEnqueuedAt.get(key));
  }
  const unexpected = [...singleCards.keys(), ...digested.keys()].filter((k) => !expected.has(k));
  const sorted = latencies.sort((a, b) => a - b);
  const byMethod = {};
  const ratelimited = {};
  for (const c of api.calls) {
    byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
    if (c.outcome === 'ratelimited') ratelimited[c.method] = (ratelimited[c.method] ?? 0) + 1;
  }
  const sample = (keys) => (keys.length ? { sample: keys.slice(0, 5) } : {});
  return {
    expectedAlerts: expected.size,
    lost: lost.length,
    doubled: doubled.length,
    unexpected: new Set(unexpected).size,
    misrouted: misrouted.length,
    ...(lost.length + doubled.length + unexpected.length + misrouted.length ? { problems: { lost: sample(lost), doubled: sample(doubled), unexpected: sample(unexpected), misrouted: sample(misrouted) } } : {}),
    cards,
    singleCards: [...singleCards.values()].reduce((n, m) => n + m.length, 0),
    digestCards: digestCards.size,
    digestedAlerts: digested.size,
    cardLatencyMs: { alerts: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : null },
    peakPostsPerSecond: Object.fromEntries(CHANNELS.map((c) => [c, api.peakPostsPerSecond(c)])),
    slackCalls: byMethod,
    ratelimited,
  };
}

if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(1);
}
main().catch((err) => {
  process.stderr.write(`bench/alerts: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
