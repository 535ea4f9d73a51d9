import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { catalog } from '../../src/checks/catalog';
import type { Attestation, Decisions, ResourceException } from '../../src/core/decisions';
import { requirements } from '../../src/core/requirements';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import { LISTED_RESULTS, type EvidencePack } from '../../src/report/evidence';
import { evidencePack } from '../../src/report/evidencePack';
import { decide, SqliteStore } from '../../src/store';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const NOW = new Date('2026-11-01T12:00:00.000Z');
const SCANNED_AT = '2026-11-01T09:00:00.000Z';
const ADMIN = 'U0ADMIN001';
const IDS = requirements().all.map((r) => r.id);
const FTR_IDS = IDS.filter((id) => id.startsWith('FTR-'));
const INJECTION = '=HYPERLINK("https://evil.example","click") | **bold** [x](y) <b>';
const BUCKETS = 30;

const bucket = (name: string) => `arn:aws:s3:::${name}`;

function result(checkId: string, refs: string[], status: CheckResult['status'], resource: string, message: string, accountId = ACCOUNT): CheckResult {
  return { checkId, refs, status, severity: 'high', accountId, region: 'global', resource, message, ...(status === 'FAIL' || status === 'MANUAL' ? { remediation: 'Fix it.' } : {}) };
}

/** Several FTR requirements: failures, passes, three needing a person, one bucket excepted and one whose exception lapsed. */
function seededReport(): ScanReport {
  const results: CheckResult[] = [
    result('iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', `arn:aws:iam::${ACCOUNT}:user/alice`, INJECTION),
    result('iam_password_policy_strong', ['FTR-7.3'], 'PASS', 'account', 'The password policy meets every requirement.'),
    result('attest_root_misuse_runbook', ['FTR-3.4'], 'MANUAL', 'account', 'Needs attestation: record the runbook, with an owner and an expiry.'),
    result('attest_quarterly_identity_audit', ['FTR-7.8'], 'MANUAL', 'account', 'Needs attestation: record the audit, with an owner and an expiry.'),
    result('attest_rpo_defined', ['FTR-9.1'], 'MANUAL', 'account', 'Needs attestation: record the RPO, with an owner and an expiry.'),
    result('s3_bucket_public_access_restricted', ['FTR-10.2'], 'FAIL', bucket('public-site'), 'Bucket public-site is public.'),
    result('s3_bucket_public_access_restricted', ['FTR-10.2'], 'FAIL', bucket('private-data'), 'Bucket private-data is public.'),
    result('s3_bucket_public_access_restricted', ['FTR-10.2'], 'FAIL', bucket('old-share'), 'Bucket old-share is public.'),
    result('s3_bucket_public_access_restricted', ['FTR-10.2'], 'PASS', bucket('locked'), 'Bucket locked is private.'),
    ...Array.from({ length: BUCKETS }, (_, i) => result('s3_bucket_access_level_inventory', ['FTR-10.1'], 'PASS', bucket(`inventory-${String(i).padStart(2, '0')}`), 'Reviewed: private.')),
    result('iam_user_mfa_enabled_console_access', ['FTR-7.1'], 'FAIL', `arn:aws:iam::${OTHER_ACCOUNT}:user/bob`, 'User bob-of-the-other-account has no MFA.', OTHER_ACCOUNT),
  ];
  const summary = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0, durationMs: 1, awsRequests: { total: 0, byOperation: {} } };
  for (const r of results) summary[r.status] += 1;
  return { schemaVersion: 1, generatedAt: SCANNED_AT, accounts: [ACCOUNT], regions: ['us-east-1'], summary, results };
}

const attestation = (requirementId: string, fields: Partial<Attestation>): Attestation => ({
  accountId: ACCOUNT,
  requirementId,
  evidence: '',
  owner: 'U0OWNER001',
  recordedBy: ADMIN,
  recordedAt: '2026-10-15T10:00:00.000Z',
  expiresAt: '2027-10-15T00:00:00.000Z',
  ...fields,
});

const exception = (resource: string, fields: Partial<ResourceException>): ResourceException => ({
  accountId: ACCOUNT,
  checkId: 's3_bucket_public_access_restricted',
  resource,
  reason: '',
  owner: 'U0OWNER003',
  recordedBy: ADMIN,
  recordedAt: '2026-10-01T10:00:00.000Z',
  expiresAt: '2027-01-01T00:00:00.000Z',
  ...fields,
});

const DECISIONS: Decisions = {
  attestations: [
    attestation('FTR-3.4', { evidence: 'Root misuse runbook at wiki ir-root, reviewed 2026-10-15', link: 'https://wiki.example.com/ir-root' }),
    attestation('FTR-7.8', { evidence: 'Quarterly audit of IAM users and roles', owner: 'U0OWNER002', recordedAt: '2026-07-01T10:00:00.000Z', expiresAt: '2026-09-29T00:00:00.000Z' }),
  ],
  exceptions: [
    exception(bucket('public-site'), { reason: 'Serves the public marketing website' }),
    exception(bucket('old-share'), { reason: 'Shared with the auditors until October', expiresAt: '2026-10-20T00:00:00.000Z' }),
  ],
};

let dir: string;
let pack: EvidencePack;

/** The pack as the CLI and Slack build it: the last scan and the decisions read back from a SQLite store. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftr-evidence-'));
  const seeding = new SqliteStore(join(dir, 'ftr.sqlite'));
  await seeding.saveScan(ACCOUNT, seededReport());
  for (const a of DECISIONS.attestations) await seeding.putAttestation(a);
  for (const e of DECISIONS.exceptions) await seeding.putException(e);
  await seeding.close();

  const store = new SqliteStore(join(dir, 'ftr.sqlite'));
  const last = (await store.lastScan(ACCOUNT))!;
  const decisions = await store.decisions(ACCOUNT);
  await store.close();
  pack = await evidencePack({ report: decide(last, decisions, NOW), decisions, requirements: requirements(), checks: catalog, now: NOW, accountId: ACCOUNT });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// pdf.js loads its worker with a dynamic import, which Jest's module sandbox refuses: parse in a plain Node process.
const PARSE_PDF = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  const info = await parser.getInfo();
  const { text, total } = await parser.getText();
  await parser.destroy();
  process.stdout.write(JSON.stringify({ pages: info.total, textPages: total, text }));
});`;

/** The page count and the text of a PDF, as pdf-parse reads them. */
function readPdf(pdf: Buffer): { pages: number; textPages: number; text: string } {
  const child = spawnSync(process.execPath, ['-e', PARSE_PDF], { input: pdf, cwd: resolve(__dirname, '../..'), encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(`pdf-parse failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

/** The Markdown of one requirement: from its heading to the next one. */
function section(id: string): string {
  const start = pack.markdown.indexOf(`\n### ${id}: `);
  expect(start).toBeGreaterThan(0);
  const end = pack.markdown.indexOf('\n##', start + 1);
  return pack.markdown.slice(start, end < 0 ? undefined : end);
}

describe('evidence pack, Markdown', () => {
  it('has every FTR requirement, in questionnaire order, then the Well-Architected Security ones', () => {
    const headings = [...pack.markdown.matchAll(/^### ((?:FTR|WAS)-[\w.-]+): (met|not met|open)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(IDS);
    expect(IDS.filter((id) => id.startsWith('WAS-')).length).toBeGreaterThan(0);
    expect(pack.markdown.indexOf('# Part 1: FTR questionnaire')).toBeLessThan(pack.markdown.indexOf('### FTR-1.1: '));
    expect(pack.markdown.indexOf('# Part 2: Well-Architected Security checklist')).toBeGreaterThan(pack.markdown.indexOf(`### ${FTR_IDS.at(-1)}: `));
  });

  it('gives each FTR requirement its verdict: attested met, expired or failing not met, needing a person or unevaluated open', () => {
    expect(Object.keys(pack.verdicts)).toEqual(FTR_IDS);
    expect(pack.verdicts).toMatchObject({
      'FTR-3.4': 'met',
      'FTR-7.3': 'met',
      'FTR-10.1': 'met',
      'FTR-7.1': 'not met',
      'FTR-7.8': 'not met',
      'FTR-10.2': 'not met',
      'FTR-9.1': 'open',
      'FTR-1.1': 'open',
    });
    const met = Object.values(pack.verdicts).filter((v) => v === 'met').length;
    expect(pack.markdown).toContain(`| FTR requirements met | ${met} of ${FTR_IDS.length} |`);
    expect(pack.markdown).toMatch(new RegExp(`\\| Requirements met \\\\\\(FTR and Well-Architected Security\\\\\\) \\| ${met} of ${IDS.length} `));
    expect(pack.markdown).toContain('| Scan | 2026-11-01 09:00 UTC, regions us-east-1 |');
    expect(pack.markdown).toContain('| Account | 123456789012 |');
  });

  it('shows the attested requirement with its evidence, link, owner, who recorded it, when, and its expiry', () => {
    const text = section('FTR-3.4');
    expect(text).toContain('### FTR-3.4: met');
    expect(text).toContain('- Evidence: Root misuse runbook at wiki ir-root, reviewed 2026-10-15');
    expect(text).toContain('- Link: [https://wiki.example.com/ir-root](<https://wiki.example.com/ir-root>)');
    expect(text).toContain('- Owner U0OWNER001, recorded by U0ADMIN001 on 2026-10-15; expires 2027-10-15');
    expect(text).toContain('**Still open**\n\n- Nothing.');
  });

  it('shows an expired attestation as expired, with what to do', () => {
    const text = section('FTR-7.8');
    expect(text).toContain('### FTR-7.8: not met');
    expect(text).toContain('- Owner U0OWNER002, recorded by U0ADMIN001 on 2026-07-01; expired on 2026-09-29');
    expect(text).toContain('The attestation expired on 2026-09-29: record it again \\(/ftr attest FTR-7.8\\).');
  });

  it('says what a person must record where nobody has', () => {
    const text = section('FTR-9.1');
    expect(text).toContain('- None recorded. To record: the RPO of each production component and where it is documented.');
    expect(text).toMatch(/Needs a person's evidence: the RPO of each production component/);
  });

  it('shows the excepted bucket with its exception while the other buckets of the same check still fail', () => {
    const text = section('FTR-10.2');
    const line = (name: string) => text.split('\n').find((l) => l.includes(`arn:aws:s3:::${name}\``));
    expect(line('public-site')).toMatch(/^- \*\*FAIL, exception accepted\*\* `s3_bucket_public_access_restricted`/);
    expect(text).toContain('  - Exception: Serves the public marketing website \\(owner U0OWNER003, recorded by U0ADMIN001 on 2026-10-01, expires 2027-01-01\\)');
    expect(line('private-data')).toMatch(/^- \*\*FAIL\*\* /);
    expect(line('old-share')).toMatch(/^- \*\*FAIL\*\* /);
    expect(text).toContain('  - Exception expired on 2026-10-20: Shared with the auditors until October');
    expect(line('locked')).toMatch(/^- \*\*PASS\*\* /);
    // Worst first: the failures, then the accepted one, then the pass.
    const [failing, lapsed, excepted, passing] = ['private-data', 'old-share', 'public-site', 'locked'].map((name) => text.indexOf(`arn:aws:s3:::${name}\``));
    expect(excepted).toBeGreaterThan(Math.max(failing, lapsed));
    expect(passing).toBeGreaterThan(excepted);
    expect(text).toContain('- 2 resources fail s3\\_bucket\\_public\\_access\\_restricted: Fix it.');
  });

  it('counts a requirement whose only failure is excepted as met', async () => {
    const report = seededReport();
    const only = { ...report, results: report.results.filter((r) => r.resource === bucket('public-site') || r.resource === bucket('locked')) };
    const alone = await evidencePack({ report: decide(only, DECISIONS, NOW), decisions: DECISIONS, requirements: requirements(), checks: catalog, now: NOW, accountId: ACCOUNT });
    expect(alone.verdicts['FTR-10.2']).toBe('met');
  });

  it('lists at most the cap of resources per requirement and points to the CSV for the rest', () => {
    const text = section('FTR-10.1');
    expect(text.split('\n').filter((l) => l.startsWith('- **PASS**'))).toHaveLength(LISTED_RESULTS);
    expect(text).toContain(`- … and ${BUCKETS - LISTED_RESULTS} more in results.csv`);
  });

  it('escapes Markdown from AWS text and leaves out other accounts', () => {
    expect(pack.markdown).toContain('=HYPERLINK\\("https://evil.example","click"\\)');
    expect(pack.markdown).toContain('\\| \\*\\*bold\\*\\* \\[x\\]\\(y\\) \\<b\\>');
    expect(pack.markdown).not.toContain('**bold**');
    expect(pack.markdown).not.toContain('<b>');
    expect(pack.markdown).not.toContain('bob-of-the-other-account');
  });
});

describe('evidence pack, CSV', () => {
  const rows = () => parse(pack.csv, { columns: true }) as Array<Record<string, string>>;

  it('has every result of the account, one row each, with the effective status and the decisions on it', () => {
    const all = rows();
    expect(all).toHaveLength(seededReport().results.filter((r) => r.accountId === ACCOUNT).length);
    expect(Object.keys(all[0])).toEqual([
      'checkId', 'refs', 'status', 'effectiveStatus', 'severity', 'accountId', 'region', 'resource', 'message', 'remediation',
      'exceptionReason', 'exceptionOwner', 'exceptionExpiresAt', 'attestationOwner', 'attestationExpiresAt', 'attestationState',
    ]);
    const of = (resource: string, checkId?: string) => all.find((r) => r.resource === resource && (!checkId || r.checkId === checkId))!;
    expect(of(bucket('public-site'))).toMatchObject({ status: 'FAIL', effectiveStatus: 'PASS', exceptionReason: 'Serves the public marketing website', exceptionOwner: 'U0OWNER003', exceptionExpiresAt: '2027-01-01T00:00:00.000Z' });
    expect(of(bucket('private-data'))).toMatchObject({ status: 'FAIL', effectiveStatus: 'FAIL', exceptionReason: '' });
    expect(of('account', 'attest_root_misuse_runbook')).toMatchObject({ status: 'PASS', attestationOwner: 'U0OWNER001', attestationState: 'active', refs: 'FTR-3.4' });
    expect(of('account', 'attest_quarterly_identity_audit')).toMatchObject({ status: 'FAIL', attestationState: 'expired', attestationExpiresAt: '2026-09-29T00:00:00.000Z' });
    expect(all.filter((r) => r.checkId === 's3_bucket_access_level_inventory')).toHaveLength(BUCKETS);
  });

  it('keeps a spreadsheet from reading AWS text as a formula', () => {
    const alice = rows().find((r) => r.resource.endsWith(':user/alice'))!;
    expect(alice.message).toBe(`'${INJECTION}`);
  });
});

describe('evidence pack, PDF', () => {
  it('is a PDF of several pages with the requirements and the attested evidence in its text', () => {
    expect(pack.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, textPages, text } = readPdf(pack.pdf);
    expect(pages).toBeGreaterThan(1);
    expect(textPages).toBe(pages);
    const flat = text.replace(/\s+/g, ' ');
    for (const id of FTR_IDS) expect(flat).toContain(`${id} `);
    expect(flat).toContain('Root misuse runbook at wiki ir-root, reviewed 2026-10-15');
    expect(flat).toContain('Owner U0OWNER001, recorded by U0ADMIN001 on 2026-10-15; expires 2027-10-15');
    expect(flat).toContain('expired on 2026-09-29');
    expect(flat).toContain('Exception: Serves the public marketing website');
    expect(flat).toContain(`Page ${pages} of ${pages}`);
  });
});
