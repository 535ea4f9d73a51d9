// Scan history at scale, in both stores: bytes stored per scan and time per saveScan for a history
// of N scans × R results; the time to load the last two scans and diff them; and `/ftr status`
// acknowledgement latency while the built app (dist/, in its own process, as in production) keeps
// computing posture summaries from that history. SQLite is a temporary file; DynamoDB is a local
// moto server started the way the tests start it; Web API calls go to the local Slack stand-in.
// Prints one JSON line.
//
//   npm run build && node --expose-gc bench/store.js [--scans 1000] [--results 10000]
//     [--span-days 400] [--dynamo-scans N] [--requests 200] [--concurrency 20]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { percentile, round, seededRandom, sendAll } = require('./lib');

const root = path.resolve(__dirname, '..');
const dist = (p) => path.join(root, 'dist', p);
const TOKEN = 'xoxb-0000-1111-benchmark';
const SECRET = '0123456789abcdef0123456789abcdef';
// moto's account: the app learns it from sts:GetCallerIdentity, so the history is kept under it.
const ACCOUNT_ID = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const TREND_DAYS = 56;
const DAY_MS = 24 * 3600_000;
/** A DynamoDB history larger than this (estimated from its first saves) is cut to DYNAMO_FALLBACK_SCANS. */
const DYNAMO_BUDGET_MS = 10 * 60_000;
const DYNAMO_FALLBACK_SCANS = 100;

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const progress = (message) => process.stderr.write(`bench/store: ${message}\n`);
/** The processes this bench started (moto, the apps): killed when it fails, so that none is left running; and its directory. */
const children = new Set();
let tempDir;
function started(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
const timed = async (work) => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

/** The work of one posture summary on stored history: the last two scans, their diff, and the trend chart. */
function summaryWork(store) {
  const { diffScans } = require(dist('src/schedule/changes.js'));
  const { renderTrendChart } = require(dist('src/schedule/chart.js'));
  const { dailyTrend } = require(dist('src/schedule/summaries.js'));
  const { automatedRequirements } = require(dist('src/core/posture.js'));
  const { requirements } = require(dist('src/core/requirements.js'));
  const { catalog } = require(dist('src/checks/catalog.js'));
  const automated = automatedRequirements(catalog);
  const sections = requirements().sections.map((s) => ({ id: s.id, title: s.title }));

  const loadLastTwo = async () => {
    const [current, previous] = await store.scanHistory(ACCOUNT_ID, { limit: 2 });
    return Promise.all([store.historicScan(ACCOUNT_ID, previous.generatedAt), store.historicScan(ACCOUNT_ID, current.generatedAt)]);
  };
  const diff = (previous, current) => diffScans(previous, current);
  const chart = async (now) => {
    const history = await store.scanHistory(ACCOUNT_ID, { since: new Date(now.getTime() - TREND_DAYS * DAY_MS) });
    const points = dailyTrend(history, automated);
    const png = await renderTrendChart({ points, sections, title: `FTR posture of ${ACCOUNT_ID}, last ${TREND_DAYS / 7} weeks` });
    return { points: points.length, pngBytes: png.length };
  };
  return { loadLastTwo, diff, chart };
}

/**
 * The app process: the built server as `ftr serve` runs it, computing summaries back to back until
 * SIGTERM (unless BENCH_SUMMARIES=off, the control run).
 */
async function app() {
  const { startServer } = require(dist('src/serve.js'));
  const { createLogger } = require(dist('src/slack/logger.js'));
  const { openStoreAsync } = require(dist('src/store/index.js'));

  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const server = await startServer({ env: process.env, logger });
  // The summary's own store handle, as SummaryService has one: same STORE_URL, same process.
  const store = await openStoreAsync(process.env.STORE_URL);
  const work = summaryWork(store);
  const summarise = async () => {
    const [previous, current] = await work.loadLastTwo();
    work.diff(previous, current);
    await work.chart(new Date());
  };
  const summarising = process.env.BENCH_SUMMARIES !== 'off';
  // Warm-up: the chart renderer loads its WebAssembly and fonts on first use.
  if (summarising) await summarise();
  let running = summarising;
  const durations = [];
  const loop = (async () => {
    while (running) durations.push((await timed(summarise)).ms);
  })();
  process.stdout.write(`READY ${server.port}\n`);
  process.once('SIGTERM', async () => {
    running = false;
    await loop;
    await server.stop(20_000);
    await store.close();
    const stats = durations.length > 0 ? { p50Ms: round(percentile(durations, 50)), maxMs: round(Math.max(...durations)) } : {};
    process.stdout.write(`SUMMARIES ${JSON.stringify({ runs: durations.length, ...stats })}\n`);
    process.exit(0);
  });
}

const RESOURCE_CHECKS = {
  bucket: ['s3_bucket_access_level_inventory', 's3_bucket_public_access_restricted', 's3_bucket_default_encryption', 's3_bucket_secure_transport_policy', 's3_bucket_access_logged', 'backup_plans_protect_resources'],
  user: ['iam_user_mfa_enabled_console_access', 'iam_access_key_rotated', 'iam_user_credentials_unused', 'iam_no_full_admin_privileges'],
  role: ['iam_role_cross_account_external_id', 'iam_role_unused', 'iam_role_external_id_unique', 'iam_no_full_admin_privileges'],
  securityGroup: ['ec2_securitygroup_allow_ingress_from_internet_to_admin_ports', 'ec2_securitygroup_default_restrict_traffic'],
};
// Per ten resources, as in an account with many buckets and IAM principals.
const RESOURCE_MIX = ['bucket', 'bucket', 'bucket', 'bucket', 'user', 'user', 'role', 'role', 'role', 'securityGroup'];
const WORDS = ['billing', 'analytics', 'ingest', 'exports', 'backups', 'web', 'logs', 'reports', 'media', 'etl', 'search', 'payments'];
const STAGES = ['prod', 'staging', 'dev'];
const TEAMS = ['platform', 'data', 'payments', 'support', 'security'];
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];

/**
 * One account's R result places (check, region, resource) over the real catalog: account-level
 * results of every check without a per-resource finding (one per region for regional checks), then
 * buckets, IAM users, roles and security groups across four regions, each with its checks.
 */
function resultPlaces(count, random) {
  const { catalog } = require(dist('src/checks/catalog.js'));
  const checks = new Map(catalog.map((c) => [c.id, c]));
  const perResource = new Set(Object.values(RESOURCE_CHECKS).flat());
  const places = [];
  const add = (check, region, resource, label) => places.push({ check, region, resource, label });
  for (const check of catalog) {
    if (perResource.has(check.id)) continue;
    for (const region of check.scope === 'regional' ? REGIONS : ['global']) add(check, region, 'account', `account ${ACCOUNT_ID} in ${region}`);
  }
  const pick = (list) => list[Math.floor(random() * list.length)];
  for (let i = 0; places.length < count; i += 1) {
    const kind = RESOURCE_MIX[i % RESOURCE_MIX.length];
    const region = REGIONS[i % REGIONS.length];
    let resource;
    let label;
    let where = 'global';
    if (kind === 'bucket') {
      label = `acme-${pick(STAGES)}-${pick(WORDS)}-${region}-${String(i).padStart(5, '0')}`;
      resource = `arn:aws:s3:::${label}`;
      where = region;
    } else if (kind === 'user') {
      label = `${pick(NAMES)}.${pick(NAMES)}${i}`;
      resource = `arn:aws:iam::${ACCOUNT_ID}:user/${pick(TEAMS)}/${label}`;
    } else if (kind === 'role') {
      label = `${pick(TEAMS)}-${pick(WORDS)}-${pick(['lambda', 'ecs-task', 'ci-deploy', 'cross-account-read'])}-${i}`;
      resource = `arn:aws:iam::${ACCOUNT_ID}:role/service-role/${label}`;
    } else {
      label = `sg-${Math.floor(random() * 2 ** 52).toString(16).padStart(17, '0')}`;
      resource = `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${label}`;
      where = region;
    }
    for (const id of RESOURCE_CHECKS[kind]) if (places.length < count) add(checks.get(id), where, resource, `${kind} ${label}`);
  }
  return places;
}

const VERDICT = { PASS: 'Passes', FAIL: 'Fails', ERROR: 'Cannot evaluate', MANUAL: 'Needs an attestation', NOT_APPLICABLE: 'Does not apply' };

/**
 * Reports of one account, scan after scan: ~15 % FAIL, ~0.5 % ERROR, attestations MANUAL, the rest
 * PASS; between consecutive scans ~1 % of the statuses change (as many new failures as fixes, and
 * now and then an error appearing or clearing), so the failing share stays steady.
 */
function reportSeries({ results, scans, lastAt, intervalMs, seed = 1 }) {
  const random = seededRandom(seed);
  const places = resultPlaces(results, random);
  const statuses = places.map(({ check }) => {
    if (check.kind === 'attestation') return 'MANUAL';
    const r = random();
    return r < 0.15 ? 'FAIL' : r < 0.155 ? 'ERROR' : 'PASS';
  });
  const changesPerScan = Math.max(2, Math.round(results * 0.01));
  const flip = (from, to, changed) => {
    for (let tries = 0; tries < 10_000; tries += 1) {
      const i = Math.floor(random() * places.length);
      if (statuses[i] === from && !changed.has(i)) {
        statuses[i] = to;
        changed.add(i);
        return;
      }
    }
  };
  const report = (index) => {
    if (index > 0) {
      const changed = new Set();
      for (let k = 0; k < changesPerScan / 2; k += 1) {
        flip('FAIL', 'PASS', changed);
        flip('PASS', 'FAIL', changed);
      }
      if (random() < 0.2) flip('PASS', 'ERROR', changed);
      if (random() < 0.2) flip('ERROR', 'PASS', changed);
    }
    const summary = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0, durationMs: 30_000 + Math.floor(random() * 5000), awsRequests: { total: 8106, byOperation: {} } };
    const reportResults = places.map(({ check, region, resource, label }, i) => {
      const status = statuses[i];
      summary[status] += 1;
      return {
        checkId: check.id,
        refs: check.refs,
        status,
        severity: check.severity,
        accountId: ACCOUNT_ID,
        region,
        resource,
        message: `${VERDICT[status]} for ${label}: ${check.title}.`,
        ...(status === 'FAIL' ? { remediation: check.remediation } : {}),
      };
    });
    return {
      schemaVersion: 1,
      generatedAt: new Date(lastAt - (scans - 1 - index) * intervalMs).toISOString(),
      accounts: [ACCOUNT_ID],
      regions: REGIONS,
      summary,
      results: reportResults,
    };
  };
  return { report };
}

/** Saves the series' reports in order; saveScan times (ms) of each. */
async function saveHistory(store, series, scans, onSave = () => {}) {
  const times = [];
  for (let i = 0; i < scans; i += 1) {
    const report = series.report(i);
    const { ms } = await timed(() => store.saveScan(ACCOUNT_ID, report));
    times.push(ms);
    onSave(i, ms);
  }
  return times;
}

const saveStats = (times) => ({ p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), maxMs: round(Math.max(...times)) });

/** Load (history entries + two historic scans) and diff times over `repetitions`, p50. */
async function measureChanges(store, repetitions = 20) {
  const work = summaryWork(store);
  const loads = [];
  const diffs = [];
  const lastScans = [];
  let changes;
  for (let i = 0; i < repetitions; i += 1) {
    const load = await timed(() => work.loadLastTwo());
    const [previous, current] = load.value;
    const started = performance.now();
    changes = work.diff(previous, current);
    diffs.push(performance.now() - started);
    loads.push(load.ms);
    // What every `/ftr status` reads: the latest full report.
    lastScans.push((await timed(() => store.lastScan(ACCOUNT_ID))).ms);
  }
  return {
    repetitions,
    loadP50Ms: round(percentile(loads, 50)),
    diffP50Ms: round(percentile(diffs, 50)),
    loadMaxMs: round(Math.max(...loads)),
    diffMaxMs: round(Math.max(...diffs)),
    lastScanP50Ms: round(percentile(lastScans, 50)),
    changes: { newFailures: changes.newFailures.length, fixed: changes.fixed.length, newErrors: changes.newErrors.length },
  };
}

/** DynamoDB's item size: attribute names plus values (strings and binaries by length, numbers ~1 byte per two digits + 1). */
function dynamoItemBytes(item) {
  const valueBytes = (v) => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.B !== undefined) return v.B.length;
    if (v.N !== undefined) return Math.ceil(v.N.replace(/^[-0.]+|\.|0+$/g, '').length / 2) + 1;
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + 1 + valueBytes(e), 0);
    if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueBytes(e), 0);
    return JSON.stringify(v).length;
  };
  return Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name) + valueBytes(v), 0);
}

/** Items and bytes of the table per kind (the pk's prefix), leaving out the items of `skipAccount`. */
async function dynamoTableBytes(table, skipAccount) {
  const { DynamoDBClient, ScanCommand } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const kinds = {};
  let start;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (item.pk.S.endsWith(`#${skipAccount}`) || item.sk.S === skipAccount) continue;
      const kind = item.pk.S.split('#')[0];
      kinds[kind] ??= { items: 0, bytes: 0 };
      kinds[kind].items += 1;
      kinds[kind].bytes += dynamoItemBytes(item);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return kinds;
}

/** The raw sizes of one report of the series, for comparison with what is stored. */
async function rawSizes(report) {
  const { compactScan, gzipJson } = require(dist('src/store/history.js'));
  const { results, ...entry } = compactScan(report);
  return {
    reportJsonBytes: Buffer.byteLength(JSON.stringify(report)),
    reportGzipBytes: (await gzipJson(report)).length,
    compactResultsJsonBytes: Buffer.byteLength(JSON.stringify(results)),
    compactResultsGzipBytes: (await gzipJson(results)).length,
    entryJsonBytes: Buffer.byteLength(JSON.stringify(entry)),
  };
}

/** `/ftr status` ack latency against the built app on `storeUrl`, summaries computed meanwhile in its process (unless not `summarising`). */
async function measureStatusAck({ storeUrl, motoUrl, api, requests, concurrency, configFile, summarising = true }) {
  const { postSigned, slashCommand } = require('../test/support/slackRequests.ts');
  const child = started(spawn(process.execPath, [__filename, '--app'], {
    env: {
      PATH: process.env.PATH,
      ...AWS_ENV,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      PORT: '0',
      FTR_REGIONS: 'us-east-1',
      FTR_CONFIG: configFile,
      STORE_URL: storeUrl,
      AWS_ENDPOINT_URL: motoUrl,
      BENCH_SUMMARIES: summarising ? 'on' : 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  }));
  const lines = readline.createInterface({ input: child.stdout });
  const nextLine = (prefix) => new Promise((resolve) => lines.on('line', (l) => l.startsWith(prefix) && resolve(l.slice(prefix.length))));
  const port = await Promise.race([nextLine('READY '), new Promise((_r, reject) => child.once('exit', (c) => reject(new Error(`app exited with ${c}`))))]);
  let stopping = false;
  child.once('exit', (code, signal) => stopping || progress(`the app exited during the measurement (${code ?? signal})`));
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  // A status is answered with a channel message or through its response_url; the connections'
  // warm-up (`/ftr help`, response_url ids `…-conn…`) is not counted.
  const answers = () => api.callsTo('chat.postMessage').length + api.responseUrlPosts.filter((p) => !p.id.includes('-conn')).length;
  const send = (i, id, agent, text = 'status') =>
    postSigned(eventsUrl, slashCommand({ text, userId: i % 2 ? 'U0READER' : 'U0ADMIN', responseUrl: api.responseUrl(id) }), { secret: SECRET, agent });
  /** Until every command sent has been answered (the slow part done), or a minute passed. */
  const answered = async (expected) => {
    const deadline = Date.now() + 60_000;
    while (answers() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return answers();
  };
  /** Until no answer arrived for 3 s (at most 2 minutes), so that late answers are not counted in the next round. */
  const settled = async () => {
    const deadline = Date.now() + 120_000;
    for (let last = answers(), quietSince = Date.now(); Date.now() - quietSince < 3000 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      if (answers() !== last) [last, quietSince] = [answers(), Date.now()];
    }
  };

  async function measure(name, agent) {
    // Warm-up, not measured: a status from each user, answered; then, as in bench/ack.js, one
    // cheap command per connection just before the measurement (an idle keep-alive connection
    // closed by the server while the client reuses it would fail a request).
    const start = answers();
    for (let i = 0; i < 2; i += 1) await send(i, `${name}-warm${i}`, agent);
    await answered(start + 2);
    await settled();
    await Promise.all(Array.from({ length: concurrency }, (_v, i) => send(1, `${name}-conn${i}`, agent, 'help')));
    await new Promise((r) => setTimeout(r, 500));
    const before = answers();
    await new Promise((r) => setTimeout(r, 500));
    const { latencies, failures, elapsedMs, started } = await sendAll({ requests, concurrency, send: (i) => send(i, `${name}-${i}`, agent) });
    const done = await answered(before + requests);
    const answeredMs = performance.now() - started;
    await settled();
    return {
      non200: failures,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(Math.max(...latencies)),
      elapsedMs: Math.round(elapsedMs),
      answeredWithinMinute: done - before,
      ...(done - before >= requests ? { allAnsweredMs: Math.round(answeredMs) } : {}),
    };
  }

  progress(`/ftr status on ${storeUrl.split(':')[0]}, ${summarising ? 'summaries computed meanwhile' : 'no summaries'}`);
  const reused = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const keepAlive = await measure('keepalive', reused);
  reused.destroy();
  const newConnections = await measure('new', new http.Agent({ keepAlive: false }));
  const summaries = nextLine('SUMMARIES ');
  stopping = true;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const line = { keepAlive, newConnections, summaries: JSON.parse(await summaries) };
  await exited;
  return line;
}

/** Until moto answers promptly again: requests a stopped app left in its queue are still served after the app exits. */
async function motoQuiet(url) {
  for (let prompt = 0; prompt < 3; ) {
    const { ms } = await timed(() => fetch(`${url}/moto-api/`).then((res) => res.arrayBuffer()));
    prompt = ms < 50 ? prompt + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The load generator: the histories, their measurement, and the app processes. */
async function bench() {
  require('../test/support/tsRequireHook').registerTypeScript();
  const { startMoto } = require('../test/support/moto');
  const { SlackApiStandIn } = require('../test/support/slackApi.ts');
  const { SqliteStore, DynamoStore } = require(dist('src/store/index.js'));
  const Database = require('better-sqlite3');

  const scans = option('scans', 1000);
  const results = option('results', 10000);
  const requests = option('requests', 200);
  const concurrency = option('concurrency', 20);
  const benchStarted = performance.now();
  // Other work on the machine shows in the latencies: the one-minute load average at start and end.
  const loadAtStart = os.loadavg()[0];
  const moto = await startMoto();
  started(moto.child);
  Object.assign(process.env, AWS_ENV, { AWS_ENDPOINT_URL: moto.url });
  const api = await SlackApiStandIn.start({ token: TOKEN });
  const dir = (tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftr-bench-store-')));
  const configFile = path.join(dir, 'ftr.json');
  // Every status answers from the stored report, however old: the bench measures the store, not a scan.
  fs.writeFileSync(configFile, JSON.stringify({ roles: { admins: ['U0ADMIN'] }, slack: { reuseScanMinutes: 7 * 24 * 60 } }));
  const lastAt = Date.now();
  // The history fills the default retention (every ~9.6 h for 1000 scans); a shorter DynamoDB
  // history is spread over the same days, so that both trend charts have the same points.
  const { historySettingsSchema } = require(dist('src/config/summaries.js'));
  const spanDays = option('span-days', historySettingsSchema.parse({}).retentionDays);
  const spanMs = spanDays * DAY_MS;
  const raw = await rawSizes(reportSeries({ results, scans: 1, lastAt, intervalMs: DAY_MS }).report(0));

  // SQLite: a file, grown scan by scan.
  const file = path.join(dir, 'ftr.sqlite');
  const sqlite = new SqliteStore(file);
  const fileBytes = () => fs.statSync(file).size;
  const checkpoint = () => {
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  };
  checkpoint();
  const emptyBytes = fileBytes();
  let afterFirstBytes;
  const sqliteSaves = await saveHistory(sqlite, reportSeries({ results, scans, lastAt, intervalMs: spanMs / scans }), scans, (i) => {
    if (i === 0) {
      checkpoint();
      afterFirstBytes = fileBytes();
    }
  });
  checkpoint();
  progress(`sqlite: ${scans} scans saved`);
  const totalBytes = fileBytes();
  const rows = (() => {
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT count(*) AS n, avg(length(results)) AS results, avg(length(entry)) AS entry FROM scan_history').get();
    const report = db.prepare('SELECT length(report) AS bytes FROM scans').get();
    const freeBytes = db.pragma('freelist_count', { simple: true }) * db.pragma('page_size', { simple: true });
    db.close();
    return { history: row, reportBytes: report.bytes, freeBytes };
  })();
  const sqliteResult = {
    scans,
    fileBytes: totalBytes,
    bytesPerScan: Math.round((totalBytes - emptyBytes) / scans),
    ...(scans > 1 ? { growthPerScanAfterFirst: Math.round((totalBytes - afterFirstBytes) / (scans - 1)) } : {}),
    historyRow: { count: rows.history.n, resultsGzipBytes: Math.round(rows.history.results), entryJsonBytes: Math.round(rows.history.entry) },
    latestReportJsonBytes: rows.reportBytes,
    freePagesBytes: rows.freeBytes,
    saveScan: saveStats(sqliteSaves),
  };
  sqliteResult.changes = await measureChanges(sqlite);
  await sqlite.close();
  global.gc?.();
  const sqliteApp = { storeUrl: `sqlite://${file}`, motoUrl: moto.url, api, requests, concurrency, configFile };
  sqliteResult.statusAckWithoutSummaries = await measureStatusAck({ ...sqliteApp, summarising: false });
  sqliteResult.statusAck = await measureStatusAck(sqliteApp);

  // DynamoDB on moto: the first saves tell whether the full history fits the time budget.
  const table = 'ftr-bench-store';
  const probeAccount = '000000000000';
  const dynamo = new DynamoStore({ table, region: 'us-east-1' });
  await dynamo.ensureTable();
  const probeScans = 5;
  let dynamoScans = option('dynamo-scans', 0);
  const series = (n) => reportSeries({ results, scans: n, lastAt, intervalMs: spanMs / n });
  let dynamoSaves;
  let estimatedFullMs;
  if (dynamoScans > 0) {
    dynamoSaves = await saveHistory(dynamo, series(dynamoScans), dynamoScans);
  } else {
    // Timed on another account of the same table (left out of the sizes below); the first save warms the client up.
    const probe = series(probeScans);
    const probeTimes = [];
    for (let i = 0; i < probeScans; i += 1) {
      const report = probe.report(i);
      probeTimes.push((await timed(() => dynamo.saveScan(probeAccount, report))).ms);
    }
    estimatedFullMs = percentile(probeTimes.slice(1), 50) * scans;
    dynamoScans = estimatedFullMs > DYNAMO_BUDGET_MS ? DYNAMO_FALLBACK_SCANS : scans;
    dynamoSaves = await saveHistory(dynamo, series(dynamoScans), dynamoScans);
  }
  progress(`dynamodb: ${dynamoScans} scans saved`);
  const kinds = await dynamoTableBytes(table, probeAccount);
  const historyKinds = ['history', 'historyparts'];
  const historyBytes = historyKinds.reduce((n, k) => n + (kinds[k]?.bytes ?? 0), 0);
  const dynamoResult = {
    scans: dynamoScans,
    ...(estimatedFullMs !== undefined ? { estimatedFullHistoryMs: Math.round(estimatedFullMs) } : {}),
    itemsByKind: kinds,
    historyBytesPerScan: Math.round(historyBytes / dynamoScans),
    saveScan: saveStats(dynamoSaves),
  };
  dynamoResult.changes = await measureChanges(dynamo);
  await dynamo.close();
  global.gc?.();
  const dynamoApp = { storeUrl: `dynamodb://${table}?region=us-east-1`, motoUrl: moto.url, api, requests, concurrency, configFile };
  dynamoResult.statusAckWithoutSummaries = await measureStatusAck({ ...dynamoApp, summarising: false });
  await motoQuiet(moto.url);
  dynamoResult.statusAck = await measureStatusAck(dynamoApp);

  await api.close();
  moto.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  const line = {
    benchmark: 'store',
    results,
    spanDays,
    changesPerScan: Math.max(2, Math.round(results * 0.01)),
    raw,
    sqlite: sqliteResult,
    dynamodb: dynamoResult,
    requests,
    concurrency,
    runMs: Math.round(performance.now() - benchStarted),
    loadAvg1m: [loadAtStart, os.loadavg()[0]].map((l) => Math.round(l * 100) / 100),
    cpus: os.cpus().length,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (!fs.existsSync(dist('src/serve.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(1);
}
(process.argv.includes('--app') ? app() : bench()).catch((err) => {
  process.stderr.write(`bench/store: ${err && err.stack ? err.stack : err}\n`);
  for (const child of children) child.kill('SIGKILL');
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  process.exit(1);
});
