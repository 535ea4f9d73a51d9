import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { dockerfileInstructions, execForm, healthCheckCommand, repositoryDockerfile, stages } from './dockerfile';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const instructions = repositoryDockerfile();
const image = stages(instructions).at(-1)!;

/** Node 22 or 24 (the LTS lines), one exact release, on Debian slim; a digest may follow. */
const PINNED_NODE = /^node:(22|24)\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/;

describe('the Dockerfile', () => {
  test('builds and runs on one exact Node LTS release, in two stages', () => {
    const bases = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(PINNED_NODE);
    expect(new Set(bases).size).toBe(1);
  });

  test('installs with npm ci from the lock file, builds, and drops the dev dependencies', () => {
    const runs = stages(instructions)[0].filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm install\b/.test(r))).toBe(false);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm prune --omit=dev\b/.test(r))).toBe(true);
    expect(stages(instructions)[0].some((i) => i.keyword === 'COPY' && /\bpackage-lock\.json\b/.test(i.args))).toBe(true);
  });

  test('runs the image as a user other than root', () => {
    const user = image.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  test('starts node itself in exec form, so that SIGTERM reaches the process', () => {
    expect(image.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
    const cmd = execForm(image.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '');
    expect(cmd).toEqual(['node', 'bin/ftr.js', 'serve']);
    expect(existsSync(path.join(root, cmd![1]))).toBe(true);
  });

  test('keeps state in a volume, so that the root file system can be read-only', () => {
    const volumes = image.filter((i) => i.keyword === 'VOLUME').flatMap((i) => execForm(i.args) ?? i.args.split(/\s+/));
    expect(volumes).toEqual(expect.arrayContaining(['/app/data', '/app/config', '/tmp']));
  });

  test('parses continuation lines and comments as Docker does', () => {
    const parsed = dockerfileInstructions('# c\nFROM a AS b\nRUN one \\\n  two\nHEALTHCHECK --interval=5s \\\n  CMD ["node", "-e", "x"]\n');
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'a AS b' },
      { keyword: 'RUN', args: 'one    two' },
      { keyword: 'HEALTHCHECK', args: '--interval=5s    CMD ["node", "-e", "x"]' },
    ]);
    expect(healthCheckCommand(parsed)).toEqual(['node', '-e', 'x']);
  });
});

describe('the HEALTHCHECK command', () => {
  const command = healthCheckCommand(image);
  let server: Server;
  let port: number;
  let healthStatus = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? healthStatus : 404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the command as the image would, with this machine's node; resolves to its exit code. */
  async function healthCheck(env: NodeJS.ProcessEnv): Promise<number> {
    expect(command[0]).toBe('node');
    try {
      await run(process.execPath, command.slice(1), { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 });
      return 0;
    } catch (err) {
      return (err as { code?: number }).code ?? -1;
    }
  }

  test('passes when GET /healthz on PORT answers 200', async () => {
    healthStatus = 200;
    expect(await healthCheck({ PORT: String(port) })).toBe(0);
  });

  test('fails when /healthz answers 503 (not ready)', async () => {
    healthStatus = 503;
    expect(await healthCheck({ PORT: String(port) })).toBe(1);
  });

  test('fails when nothing listens on PORT', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await healthCheck({ PORT: String(unused) })).toBe(1);
  });
});
