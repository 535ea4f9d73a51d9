import pino from 'pino';
import { catalog } from '../../src/checks/catalog';
import { requirements } from '../../src/core/requirements';
import type { ScanReport } from '../../src/engine/scan';
import { ScanService, type AccountScanner } from '../../src/engine/scanService';
import { DecisionLog, type Store } from '../../src/store';
import { ACCOUNT, smallReport, sqliteBacking, type Backing } from '../store/fixtures';

const DAY = 24 * 60 * 60 * 1000;
const silent = pino({ level: 'silent' });

/** The small report plus a result needing a person (FTR-3.4) and a second failing user. */
function reportAt(at: Date): ScanReport {
  const report = smallReport(at);
  report.results.push(
    { ...report.results[0], resource: `arn:aws:iam::${ACCOUNT}:user/bob`, message: 'User bob can sign in to the console without MFA.' },
    {
      checkId: 'attest_root_misuse_runbook',
      refs: ['FTR-3.4'],
      status: 'MANUAL',
      severity: 'high',
      accountId: ACCOUNT,
      region: 'global',
      resource: 'account',
      message: 'Needs attestation: record where the root credential misuse runbook lives, with an owner and an expiry.',
    },
  );
  return report;
}

describe('ScanService applies the recorded attestations and exceptions', () => {
  let backing: Backing;
  let store: Store;
  let at: number;
  const now = () => new Date(at);
  let service: ScanService;
  let decisions: DecisionLog;

  beforeEach(async () => {
    at = Date.parse('2026-03-02T10:00:00.000Z');
    backing = await sqliteBacking();
    store = backing.open(now);
    decisions = new DecisionLog({ store, requirements: requirements(), checks: catalog, now });
    const scanner: AccountScanner = { accountId: async () => ACCOUNT, scan: async () => reportAt(now()) };
    service = new ScanService({ scanner, store, now, logger: silent, decisions, leaseMs: 60_000, pollMs: 10 });
  });

  afterEach(async () => {
    service.close();
    await store.close();
    await backing.dispose();
  });

  const resultOf = (report: ScanReport | undefined, checkId: string, resource: string) => report?.results.find((r) => r.checkId === checkId && r.resource === resource);
  const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;

  it('shows a decision recorded after the scan at once, and an expiry without a new scan', async () => {
    await service.start(ACCOUNT).result;
    expect(resultOf(await service.latest(ACCOUNT), 'attest_root_misuse_runbook', 'account')?.status).toBe('MANUAL');
    const shownBefore = await service.latest(ACCOUNT);

    await decisions.attest({ accountId: ACCOUNT, requirementId: 'FTR-3.4', evidence: 'Runbook in the wiki, reviewed 2026-02-20', owner: 'U0OWNER', expiresOn: '2026-04-01', by: 'U0ADMIN' });
    await decisions.except({ accountId: ACCOUNT, checkId: 'iam_user_mfa_enabled_console_access', resource: alice, reason: 'Break-glass user kept in a safe', owner: 'U0OWNER', expiresOn: '2026-03-10', by: 'U0ADMIN' }, await service.latest(ACCOUNT));

    const shown = await service.latest(ACCOUNT);
    expect(service.viewKey(shown!)).not.toBe(service.viewKey(shownBefore!));
    expect(resultOf(shown, 'attest_root_misuse_runbook', 'account')).toMatchObject({ status: 'PASS', attestation: { state: 'active', owner: 'U0OWNER' } });
    expect(resultOf(shown, 'iam_user_mfa_enabled_console_access', alice)).toMatchObject({ status: 'FAIL', exception: { reason: 'Break-glass user kept in a safe' } });
    expect(resultOf(shown, 'iam_user_mfa_enabled_console_access', bob)?.exception).toBeUndefined();
    expect(shown!.summary.MANUAL).toBe(0);
    // Unchanged decisions: the same object, so answers rendered from it are reused.
    expect(await service.latest(ACCOUNT)).toBe(shown);

    at += 9 * DAY; // the exception ends on 2026-03-10
    const later = await service.latest(ACCOUNT);
    expect(resultOf(later, 'iam_user_mfa_enabled_console_access', alice)?.exception).toBeUndefined();
    expect(resultOf(later, 'attest_root_misuse_runbook', 'account')?.status).toBe('PASS');

    at += 30 * DAY; // the attestation ends on 2026-04-01
    expect(resultOf(await service.latest(ACCOUNT), 'attest_root_misuse_runbook', 'account')).toMatchObject({ status: 'FAIL', message: expect.stringContaining('expired on 2026-04-01') });
  });

  it('stores each scan decided, so the history counts an accepted finding as met and its expiry as a new failure', async () => {
    await decisions.attest({ accountId: ACCOUNT, requirementId: 'FTR-3.4', evidence: 'Runbook in the wiki', owner: 'U0OWNER', by: 'U0ADMIN' });
    const first = await service.start(ACCOUNT).result;
    await decisions.except({ accountId: ACCOUNT, checkId: 'iam_user_mfa_enabled_console_access', resource: alice, reason: 'Break-glass user kept in a safe', owner: 'U0OWNER', expiresOn: '2026-03-05', by: 'U0ADMIN' }, first);
    await decisions.except({ accountId: ACCOUNT, checkId: 'iam_user_mfa_enabled_console_access', resource: bob, reason: 'Leaving on Friday, account closed then', owner: 'U0OWNER', expiresOn: '2026-03-05', by: 'U0ADMIN' }, first);

    at += DAY;
    const second = await service.start(ACCOUNT, { notBefore: now() }).result;
    expect(second.results.filter((r) => r.exception).map((r) => r.resource).sort()).toEqual([alice, bob]);
    at += 3 * DAY;
    await service.start(ACCOUNT, { notBefore: now() }).result;

    const history = await store.scanHistory(ACCOUNT);
    expect(history.map((h) => [h.requirements['FTR-3.4'], h.requirements['FTR-7.1']])).toEqual([
      ['PASS', 'FAIL'], // exceptions expired
      ['PASS', 'PASS'], // both users accepted
      ['PASS', 'FAIL'],
    ]);
    const stored = await store.historicScan(ACCOUNT, history[1].generatedAt);
    expect(stored!.results.filter((r) => r.checkId === 'iam_user_mfa_enabled_console_access').map((r) => r.status)).toEqual(['PASS', 'PASS']);
  });

  it('shows the report as scanned when the decisions cannot be read: needing a person, never passing', async () => {
    await decisions.attest({ accountId: ACCOUNT, requirementId: 'FTR-3.4', evidence: 'Runbook in the wiki', owner: 'U0OWNER', by: 'U0ADMIN' });
    jest.spyOn(store, 'decisions').mockRejectedValue(new Error('store down'));
    const report = await service.start(ACCOUNT).result;
    expect(resultOf(report, 'attest_root_misuse_runbook', 'account')?.status).toBe('MANUAL');
  });
});
