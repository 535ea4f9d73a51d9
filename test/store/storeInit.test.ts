import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { motoUrl, resetMoto } from '../support/aws';

const run = promisify(execFile);
const root = resolve(__dirname, '..', '..');

/** Runs `ftr store init` through the compiled build with only the given environment. */
async function storeInit(env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run('node', [join(root, 'bin', 'ftr.js'), 'store', 'init'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const motoEnv = () => ({ AWS_ENDPOINT_URL: motoUrl(), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });

describe('ftr store init', () => {
  let dir: string;
  beforeEach(async () => {
    await resetMoto();
    dir = mkdtempSync(join(tmpdir(), 'ftr-store-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the SQLite file and its schema, and is idempotent', async () => {
    const file = join(dir, 'nested', 'ftr.sqlite');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { code, stdout, stderr } = await storeInit({ STORE_URL: `sqlite://${file}` });
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `SQLite store ready: ${file}\n`, stderr: '' });
    }
    expect(existsSync(file)).toBe(true);
  });

  it('creates the DynamoDB table, and is idempotent', async () => {
    const env = { ...motoEnv(), STORE_URL: 'dynamodb://ftr-cli-state?region=eu-west-1' };
    expect(await storeInit(env)).toEqual({ code: 0, stdout: 'DynamoDB table "ftr-cli-state" in eu-west-1 ready (created)\n', stderr: '' });
    expect(await storeInit(env)).toEqual({ code: 0, stdout: 'DynamoDB table "ftr-cli-state" in eu-west-1 ready (it existed)\n', stderr: '' });
    const client = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 2 });
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ftr-cli-state' }));
      expect(Table?.TableStatus).toBe('ACTIVE');
    } finally {
      client.destroy();
    }
  });

  it('takes the region from the environment when the URL names none', async () => {
    const { code, stdout } = await storeInit({ ...motoEnv(), AWS_REGION: 'eu-central-1', STORE_URL: 'dynamodb://ftr-cli-state' });
    expect(code).toBe(0);
    expect(stdout).toBe('DynamoDB table "ftr-cli-state" in eu-central-1 ready (created)\n');
  });

  it('exits non-zero with one line on a bad STORE_URL', async () => {
    const { code, stdout, stderr } = await storeInit({ ...motoEnv(), STORE_URL: 'dynamodb://x?region=eu-west-1' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ftr: STORE_URL: the DynamoDB table name must be 3–255 characters[^\n]*\n$/);
  });

  it('exits non-zero with one line naming the table when DynamoDB refuses', async () => {
    const { code, stdout, stderr } = await storeInit({ AWS_ENDPOINT_URL: motoUrl(), HOME: dir, STORE_URL: 'dynamodb://ftr-cli-state?region=eu-west-1' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ftr: DynamoDB table "ftr-cli-state" in eu-west-1: DescribeTable failed: [^\n]+\n$/);
  });
});
