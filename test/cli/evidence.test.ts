import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { requirements } from '../../src/core/requirements';
import type { CheckResult } from '../../src/core/types';
import { SqliteStore } from '../../src/store';
import { ACCOUNT, smallReport } from '../store/fixtures';

const NOW = new Date('2026-11-01T12:00:00.000Z');
const SCANNED_AT = new Date('2026-11-01T09:00:00.000Z');
const OTHER_ACCOUNT = '210987654321';
const FILES = ['evidence.md', 'evidence.pdf', 'results.csv'];
const FTR_IDS = requirements()
  .all.map((r) => r.id)
  .filter((id) => id.startsWith('FTR-'));

const manual = (checkId: string, requirementId: string): CheckResult => ({
  checkId,
  refs: [requirementId],
  status: 'MANUAL',
  severity: 'medium',
  accountId: ACCOUNT,
  region: 'global',
  resource: 'account',
  message: `Needs attestation: record ${requirementId} with an owner and an expiry.`,
});

let dir: string;
let storeUrl: string;
let savedStoreUrl: string | undefined;
const cwd = process.cwd();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftr-evidence-cli-'));
  storeUrl = `sqlite://${join(dir, 'ftr.sqlite')}`;
  const store = new SqliteStore(join(dir, 'ftr.sqlite'));
  const report = smallReport(SCANNED_AT);
  await store.saveScan(ACCOUNT, { ...report, summary: { ...report.summary, MANUAL: 2 }, results: [...report.results, manual('attest_root_misuse_runbook', 'FTR-3.4'), manual('attest_quarterly_identity_audit', 'FTR-7.8')] });
  const attestation = { accountId: ACCOUNT, owner: 'U0OWNER001', recordedBy: 'U0ADMIN001', recordedAt: '2026-08-01T10:00:00.000Z' };
  await store.putAttestation({ ...attestation, requirementId: 'FTR-3.4', evidence: 'Root runbook in the ops wiki, reviewed in October', expiresAt: '2027-08-01T00:00:00.000Z' });
  // Still valid when the scan ran; expired by the time the pack is built.
  await store.putAttestation({ ...attestation, requirementId: 'FTR-7.8', evidence: 'Identity audit of August', expiresAt: '2026-11-01T10:00:00.000Z' });
  await store.close();
  savedStoreUrl = process.env.STORE_URL;
  process.env.STORE_URL = storeUrl;
});

afterEach(() => {
  process.chdir(cwd);
  if (savedStoreUrl === undefined) delete process.env.STORE_URL;
  else process.env.STORE_URL = savedStoreUrl;
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

/** Runs `ftr evidence …` in this process on the fixed clock, capturing what it prints. */
async function evidence(...args: string[]) {
  let stdout = '';
  let stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['evidence', ...args], { now: () => NOW });
    return { code, stdout, stderr };
  } finally {
    jest.restoreAllMocks();
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('ftr evidence', () => {
  it('writes the Markdown, the PDF and the CSV, readable by their owner only, into a new private directory', async () => {
    const out = join(dir, 'pack', 'nested');
    const { code, stdout, stderr } = await evidence('--output', out, '--account', ACCOUNT);
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(FILES.map((f) => `Wrote ${join(out, f)}`));
    expect(lines[3]).toMatch(new RegExp(`^Account ${ACCOUNT}, scan of 2026-11-01 09:00 UTC: \\d+ of ${FTR_IDS.length} FTR requirements met, \\d+ not met, \\d+ open; \\d+ of 62 with the Well-Architected Security checklist\\.$`));
    expect(lines).toHaveLength(4);

    expect(mode(out)).toBe(0o700);
    for (const file of FILES) expect(mode(join(out, file))).toBe(0o600);
    const markdown = readFileSync(join(out, 'evidence.md'), 'utf8');
    for (const id of FTR_IDS) expect(markdown).toContain(`### ${id}: `);
    expect(markdown).toContain('### FTR-3.4: met');
    expect(markdown).toContain('- Evidence: Root runbook in the ops wiki, reviewed in October');
    expect(markdown).toContain('- Owner U0OWNER001, recorded by U0ADMIN001 on 2026-08-01; expires 2027-08-01');
    // Decisions are applied on the command's clock, not as they were at the scan.
    expect(markdown).toContain('### FTR-7.8: not met');
    expect(markdown).toContain('expired on 2026-11-01');
    expect(readFileSync(join(out, 'evidence.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toMatch(/^checkId,refs,status,effectiveStatus,/);
    expect(csv).toHaveLength(1 + 4);
  });

  it('refuses to overwrite the files without --force, with one line, and overwrites them privately with it', async () => {
    const out = join(dir, 'pack');
    expect((await evidence('--output', out, '--account', ACCOUNT)).code).toBe(0);
    writeFileSync(join(out, 'evidence.md'), 'kept');
    chmodSync(join(out, 'results.csv'), 0o644);

    const refused = await evidence('--output', out, '--account', ACCOUNT);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`ftr: --output: ${join(out, 'evidence.md')} exists; add --force to overwrite it\n`);
    expect(readFileSync(join(out, 'evidence.md'), 'utf8')).toBe('kept');

    const forced = await evidence('--output', out, '--account', ACCOUNT, '--force');
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'evidence.md'), 'utf8')).toMatch(/^# FTR self-assessment evidence/);
    for (const file of FILES) expect(mode(join(out, file))).toBe(0o600);
  });

  it('never writes through a symbolic link, even with --force', async () => {
    const out = join(dir, 'pack');
    mkdirSync(out);
    const target = join(dir, 'elsewhere.pdf');
    writeFileSync(target, 'not to be touched');
    symlinkSync(target, join(out, 'evidence.pdf'));
    const { code, stderr } = await evidence('--output', out, '--account', ACCOUNT, '--force');
    expect(code).toBe(1);
    expect(stderr).toBe(`ftr: --output: ${join(out, 'evidence.pdf')} is a symbolic link; refusing to follow it\n`);
    expect(readFileSync(target, 'utf8')).toBe('not to be touched');
    expect(lstatSync(join(out, 'evidence.pdf')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(out, 'evidence.md'))).toBe(false);
  });

  it('exits 1 with one line, and writes nothing, when the store has no scan of the account', async () => {
    const out = join(dir, 'pack');
    const { code, stdout, stderr } = await evidence('--output', out, '--account', OTHER_ACCOUNT);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^ftr: no scan of account ${OTHER_ACCOUNT} in the store \\(STORE_URL=${storeUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): run a scan first[^\\n]*\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it('says the same, and creates no store, when the store file is not there', async () => {
    const missing = join(dir, 'nowhere', 'ftr.sqlite');
    process.env.STORE_URL = missing;
    const { code, stderr } = await evidence('--output', join(dir, 'pack'), '--account', ACCOUNT);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^ftr: no scan of account ${ACCOUNT} in the store \\(STORE_URL=${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): run a scan first`));
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('writes into ./evidence/ for the account of the ambient AWS credentials by default', async () => {
    // The test environment's credentials are moto's, whose account is ACCOUNT.
    process.chdir(dir);
    const { code, stdout, stderr } = await evidence();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 3)).toEqual(FILES.map((f) => `Wrote ${join('evidence', f)}`));
    for (const file of FILES) expect(mode(join(dir, 'evidence', file))).toBe(0o600);
  });

  it('refuses an --account that is not 12 digits', async () => {
    const { code, stderr } = await evidence('--account', '12345');
    expect(code).toBe(1);
    expect(stderr).toMatch(/an AWS account id is 12 digits/);
  });
});
