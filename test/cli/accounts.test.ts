import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { accountRegistrations } from '../../src/store/accountRegistry';
import { SqliteStore } from '../../src/store';
import { ACCOUNT_ID, resetMoto } from '../support/aws';
import { reportSchemaErrors } from '../support/contracts';
import { createScannerRole, memberAccess } from '../engine/memberAccounts';

const MEMBER = '210987654321';
const OTHER = '210987654322';

/** Runs the CLI in this process, with `env` added to the environment; resolves to its exit code and output. */
async function ftr(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(args, { now: () => new Date('2026-11-02T09:00:00Z') });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('ftr accounts', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftr-accounts-'));
    env = { STORE_URL: `sqlite://${join(dir, 'ftr.sqlite')}`, FTR_CONFIG: join(dir, 'ftr.yaml') };
    writeFileSync(env.FTR_CONFIG, '{}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stored = async () => {
    const store = new SqliteStore(join(dir, 'ftr.sqlite'));
    try {
      return await accountRegistrations(store);
    } finally {
      await store.close();
    }
  };

  it('add generates and stores an external ID and prints the scanner-role template parameters', async () => {
    const { code, stdout, stderr } = await ftr(['accounts', 'add', MEMBER, '--bot-role-arn', `arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task`], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [registration] = await stored();
    expect(registration).toMatchObject({ accountId: MEMBER, createdAt: '2026-11-02T09:00:00.000Z', createdBy: expect.stringMatching(/^cli:/) });
    const { externalId } = registration;
    expect(externalId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const lines = stdout.split('\n');
    expect(lines).toContain(`  ${externalId}`);
    expect(lines).toContain(
      `  aws cloudformation deploy --stack-name ftr-bot-scanner --template-file deploy/scanner-role.yaml --capabilities CAPABILITY_NAMED_IAM --parameter-overrides ExternalId=${externalId} BotTaskRoleArn=arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task RoleName=ftr-bot-scanner`,
    );
    expect(lines).toContain(
      `  aws cloudformation create-stack-instances --stack-set-name ftr-bot-scanner --accounts ${MEMBER} --regions us-east-1 --parameter-overrides ParameterKey=ExternalId,ParameterValue=${externalId} ParameterKey=BotTaskRoleArn,ParameterValue=arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task ParameterKey=RoleName,ParameterValue=ftr-bot-scanner`,
    );
    // Not configured yet: the lines to add to the configuration file.
    expect(stdout).toContain(`accounts:\n  - id: "${MEMBER}"\n    roleArn: arn:aws:iam::${MEMBER}:role/ftr-bot-scanner\n`);
  });

  it('refuses to replace an external ID without --rotate, and gives every account its own', async () => {
    expect((await ftr(['accounts', 'add', MEMBER], env)).code).toBe(0);
    const [before] = await stored();
    const again = await ftr(['accounts', 'add', MEMBER], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`ftr: account ${MEMBER} has an external ID already (its scanner role trusts it); add --rotate to replace it, then redeploy the role with the new one\n`);
    expect((await stored())[0].externalId).toBe(before.externalId);

    const rotated = await ftr(['accounts', 'add', MEMBER, '--rotate', '--role-name', 'custom-scanner'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^Replaced the external ID of account 210987654321\./);
    expect(rotated.stdout).toContain('RoleName=custom-scanner');
    expect((await ftr(['accounts', 'add', OTHER], env)).code).toBe(0);
    const [member, other] = await stored();
    expect(member).toMatchObject({ accountId: MEMBER, roleArn: `arn:aws:iam::${MEMBER}:role/custom-scanner` });
    expect(member.externalId).not.toBe(before.externalId);
    expect(other.externalId).not.toBe(member.externalId);

    expect((await ftr(['accounts', 'add', '12345'], env)).stderr).toMatch(/an AWS account id is 12 digits/);
    expect((await ftr(['accounts', 'add', OTHER, '--role-name', 'no spaces please'], env)).code).not.toBe(0);
  });

  it('list shows each account\'s role and its external ID masked but for the last 4 characters', async () => {
    writeFileSync(env.FTR_CONFIG, `accounts:\n  - id: "${OTHER}"\n    roleArn: arn:aws:iam::${OTHER}:role/sec/scanner\n    alias: payments\n`);
    await ftr(['accounts', 'add', MEMBER], env);
    const [registration] = await stored();
    const { code, stdout } = await ftr(['accounts', 'list'], env);
    expect(code).toBe(0);
    expect(stdout).not.toContain(registration.externalId);
    const rows = stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
    expect(rows).toEqual([
      ['ACCOUNT', 'EXTERNAL ID', 'ROLE', 'CREATED'],
      [`${OTHER} (payments)`, `none: npx ftr accounts add ${OTHER}`, `arn:aws:iam::${OTHER}:role/sec/scanner`],
      [MEMBER, `••••${registration.externalId.slice(-4)}`, `arn:aws:iam::${MEMBER}:role/ftr-bot-scanner`, expect.stringMatching(/^2026-11-02 cli:/)],
    ]);
  });

  describe('scan with accounts configured (moto)', () => {
    beforeEach(resetMoto);

    it('scans the ambient account and every configured account through its role, in one report', async () => {
      writeFileSync(env.FTR_CONFIG, `accounts:\n  - id: "${MEMBER}"\n    roleArn: arn:aws:iam::${MEMBER}:role/ftr-bot-scanner\n  - id: "${OTHER}"\n    roleArn: arn:aws:iam::${OTHER}:role/ftr-bot-scanner\n`);
      const added = await ftr(['accounts', 'add', MEMBER], env);
      const externalId = added.stdout.split('\n')[1].trim();
      const member = await memberAccess(MEMBER);
      await createScannerRole(member, { externalId });
      member.destroy();

      const { code, stdout, stderr } = await ftr(['scan', '--format', 'json', '--regions', 'us-east-1'], env);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.accounts).toEqual([ACCOUNT_ID, MEMBER, OTHER]);
      const access = (id: string) => report.results.filter((r: { accountId: string; checkId: string }) => r.accountId === id && r.checkId === 'account_access');
      expect(access(MEMBER)).toEqual([expect.objectContaining({ status: 'PASS' })]);
      expect(access(OTHER)).toEqual([expect.objectContaining({ status: 'ERROR', message: expect.stringContaining(`no external ID: run npx ftr accounts add ${OTHER}`) })]);
      expect(report.results.filter((r: { accountId: string }) => r.accountId === MEMBER).length).toBeGreaterThan(50);
    });
  });
});
