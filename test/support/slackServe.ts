/**
 * `ftr serve` in a child process, as `npm start` runs it but from the TypeScript sources
 * (compiled on the fly with SWC, so no build is needed first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

// What bin/ftr.js does, with a require hook that compiles .ts files as the Jest transform does.
const BOOT = `
require('./test/support/tsRequireHook.js').registerTypeScript();
require('./src/cli/main.ts').main(['serve']).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write('ftr: ' + (err && err.message ? err.message : String(err)) + '\\n'); process.exitCode = 1; },
);
`;

export interface ServeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function spawnServe(env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, ['-e', BOOT], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal, at: Date.now() })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The environment of `ftr serve` against the Slack stand-in and this worker's moto server. */
export function serveEnv(input: { apiUrl: string; port: number; dir: string; botToken: string; signingSecret: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: input.botToken,
    SLACK_SIGNING_SECRET: input.signingSecret,
    SLACK_API_URL: input.apiUrl,
    PORT: String(input.port),
    STORE_URL: `sqlite://${join(input.dir, 'state.sqlite')}`,
    FTR_CONFIG: join(input.dir, 'ftr.yml'),
    FTR_REGIONS: 'us-east-1',
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...input.extra,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves once GET /healthz answers 200; rejects if the process exits or time runs out. */
export async function waitForHealthy(baseUrl: string, serve: ServeProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (serve.child.exitCode !== null) throw new Error(`ftr serve exited with ${serve.child.exitCode}: ${serve.stderr()}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`ftr serve did not become healthy: ${serve.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
