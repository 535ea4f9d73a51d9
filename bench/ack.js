// Slack acknowledgement latency: 200 signed `/ftr` slash commands at concurrency 20 against the
// built app (dist/, in its own process, as in production) while it keeps a real catalog scan
// running against a local moto server; Web API calls go to the local Slack stand-in.
// Prints one JSON line.
//
//   npm run build && node bench/ack.js [--requests 200] [--concurrency 20]
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { percentile, round, sendAll } = require('./lib');

const root = path.resolve(__dirname, '..');
const dist = (p) => path.join(root, 'dist', p);
const TOKEN = 'xoxb-0000-1111-benchmark';
const SECRET = '0123456789abcdef0123456789abcdef';
const ACCOUNT_ID = '123456789012';

/** The app process: the built Slack app, scanning back to back until SIGTERM. */
async function app() {
  const { parseAppConfig } = require(dist('src/config/load.js'));
  const { createSlackApp } = require(dist('src/slack/app.js'));
  const { createLogger } = require(dist('src/slack/logger.js'));
  const { ambientAccountScanner, ScanService } = require(dist('src/engine/scanService.js'));
  const { slackSettingsFromEnv } = require(dist('src/slack/settings.js'));
  const { SqliteStore } = require(dist('src/store/index.js'));

  const settings = slackSettingsFromEnv(process.env);
  const config = parseAppConfig({ roles: { admins: ['U0ADMIN'] } });
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const store = new SqliteStore(':memory:');
  const scans = new ScanService({ scanner: ambientAccountScanner({ config, regions: settings.regions }), store, now: () => new Date(), logger });
  const slack = createSlackApp({ env: settings, config, scans, store, logger });
  const { port } = await slack.start({ host: '127.0.0.1' });
  // Warm-up: one complete scan first (the SDK loads its modules lazily on first use).
  await scans.start(ACCOUNT_ID).result;
  let running = true;
  let scansRun = 0;
  const scanning = (async () => {
    while (running) {
      scansRun += 1;
      await scans.start(ACCOUNT_ID).result.catch(() => undefined);
    }
  })();
  process.stdout.write(`READY ${port}\n`);
  process.once('SIGTERM', async () => {
    running = false;
    await scanning;
    await slack.stop(20_000);
    process.stdout.write(`SCANS ${scansRun}\n`);
    process.exit(0);
  });
}

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}


/** The load generator: moto, the Web API stand-in, the app process, and the measurement. */
async function bench() {
  // The Web API stand-in and the request signer are the tests' own TypeScript helpers.
  require('../test/support/tsRequireHook').registerTypeScript();
  const { startMoto } = require('../test/support/moto');
  const { SlackApiStandIn } = require('../test/support/slackApi.ts');
  const { postSigned, slashCommand } = require('../test/support/slackRequests.ts');

  const requests = option('requests', 200);
  const concurrency = option('concurrency', 20);
  const moto = await startMoto();
  const api = await SlackApiStandIn.start({ token: TOKEN });
  const child = spawn(process.execPath, [__filename, '--app'], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      PORT: '0',
      FTR_REGIONS: 'us-east-1',
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const nextLine = (prefix) => new Promise((resolve) => lines.on('line', (l) => l.startsWith(prefix) && resolve(l.slice(prefix.length))));
  const port = await Promise.race([nextLine('READY '), new Promise((_r, reject) => child.once('exit', (c) => reject(new Error(`app exited with ${c}`))))]);
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;

  const texts = ['status', 'help', 'explain FTR-7.1', 'check FTR-7', 'runbook', 'status FTR-7', 'nonsense'];
  const send = (i, id, agent) =>
    postSigned(eventsUrl, slashCommand({ text: texts[i % texts.length], userId: i % 2 ? 'U0READER' : 'U0ADMIN', responseUrl: api.responseUrl(id) }), {
      secret: SECRET,
      agent,
    });

  /** `requests` commands from `concurrency` workers; latency of each acknowledgement. */
  async function measure(name, agent) {
    // Warm-up, not measured: each command once, as on a server that has been up for a while.
    for (let i = 0; i < texts.length; i += 1) await send(i, `${name}-warm${i}`, agent);
    await Promise.all(Array.from({ length: concurrency }, (_v, i) => send(1, `${name}-conn${i}`, agent)));
    await new Promise((r) => setTimeout(r, 500));
    const { latencies, failures, elapsedMs } = await sendAll({ requests, concurrency, send: (i) => send(i, `${name}-${i}`, agent) });
    return { non200: failures, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(Math.max(...latencies)), elapsedMs: Math.round(elapsedMs) };
  }

  // Slack's own connections are not ours to choose: measure reused (keep-alive, as behind a load
  // balancer) and new connections (one per request).
  const reused = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const keepAlive = await measure('keepalive', reused);
  reused.destroy();
  const newConnections = await measure('new', new http.Agent({ keepAlive: false }));

  const scans = nextLine('SCANS ');
  child.kill('SIGTERM');
  const scansRun = Number(await scans);
  await api.close();
  moto.child.kill('SIGTERM');

  const line = {
    benchmark: 'slack-ack',
    requests,
    concurrency,
    scansRun,
    targetP99Ms: 200,
    keepAlive,
    newConnections,
    webApiCalls: api.calls.length,
    cpus: require('node:os').cpus().length,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (!fs.existsSync(dist('src/slack/app.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(1);
}
(process.argv.includes('--app') ? app() : bench()).catch((err) => {
  process.stderr.write(`bench/ack: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
