import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadRequirements } from '../../src/core/requirements';
import { motoUrl, resetMoto } from '../support/aws';
import { reportSchemaErrors } from '../support/contracts';

const run = promisify(execFile);
const root = resolve(__dirname, '..', '..');

/** Runs the real `ftr` binary (the compiled build) with the given environment. */
async function ftr(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('node', [join(root, 'bin', 'ftr.js'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const motoEnv = () => ({
  AWS_ENDPOINT_URL: motoUrl(),
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
});

describe('ftr CLI', () => {
  beforeEach(resetMoto);

  it('scan --format json prints a report valid against the contract schema, covering all 62 requirement IDs', async () => {
    const { code, stdout, stderr } = await ftr(['scan', '--format', 'json', '--regions', 'us-east-1,eu-west-1'], motoEnv());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(report.accounts).toEqual(['123456789012']);
    const refs = new Set(report.results.flatMap((r: { refs: string[] }) => r.refs));
    expect(loadRequirements().all.map((r) => r.id).filter((id) => !refs.has(id))).toEqual([]);
    expect(report.summary.awsRequests.total).toBeGreaterThan(0);
  });

  it('writes csv and markdown to --output, and an 80-column table without colour when not a TTY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftr-cli-'));
    const csvFile = join(dir, 'report.csv');
    expect((await ftr(['scan', '--format', 'csv', '--regions', 'us-east-1', '--output', csvFile], motoEnv())).code).toBe(0);
    const rows = parseCsv(readFileSync(csvFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0])).toEqual(['checkId', 'refs', 'status', 'severity', 'accountId', 'region', 'resource', 'message', 'remediation']);
    expect(rows.some((r) => r.checkId === 'iam_password_policy_strong' && r.status === 'FAIL')).toBe(true);

    const md = await ftr(['scan', '--format', 'markdown', '--regions', 'us-east-1'], motoEnv());
    expect(md.stdout).toMatch(/^# FTR readiness report/);
    expect(md.stdout).toContain('## FTR-7 Identity and Access Management');

    const table = await ftr(['scan', '--regions', 'us-east-1'], motoEnv());
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain('\x1b[');
    const longest = Math.max(...table.stdout.split('\n').map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(80);
    expect(table.stdout.indexOf('FTR-3 AWS Root Account')).toBeLessThan(table.stdout.indexOf('FTR-7 Identity'));
  });

  it('exits non-zero with one clear line when there are no credentials', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ftr-home-'));
    const { code, stdout, stderr } = await ftr(['scan'], { HOME: home, AWS_ENDPOINT_URL: motoUrl() });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ftr: no AWS credentials found/)]);
  });

  it('rejects a bad --regions or --format value with one line', async () => {
    const regions = await ftr(['scan', '--regions', 'us-east-1,moon-1'], motoEnv());
    expect(regions.code).toBe(1);
    expect(regions.stderr.trim()).toBe('ftr: --regions: "moon-1" is not an AWS region name (e.g. us-east-1)');
    const format = await ftr(['scan', '--format', 'xml'], motoEnv());
    expect(format.code).not.toBe(0);
    expect(format.stderr).toMatch(/use one of table, json, csv, markdown/);
  });

  it('exits with one line naming the setting when FTR_CONFIG is malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftr-config-'));
    const file = join(dir, 'ftr.yml');
    writeFileSync(file, 'thresholds:\n  accessKeyMaxAgeDays: -3\n');
    const { code, stderr } = await ftr(['scan', '--regions', 'us-east-1'], { ...motoEnv(), FTR_CONFIG: file });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/thresholds\.accessKeyMaxAgeDays/);
  });

  it('scans every enabled region when --regions is not given', async () => {
    const { code, stdout } = await ftr(['scan', '--format', 'json'], motoEnv());
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.regions.length).toBeGreaterThan(10);
    expect(report.regions).toContain('eu-central-1');
  });

  it('catalog lists all 62 requirement IDs', async () => {
    const { code, stdout } = await ftr(['catalog', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((r: { id: string }) => r.id)).toEqual(loadRequirements().all.map((r) => r.id));
  });
});
