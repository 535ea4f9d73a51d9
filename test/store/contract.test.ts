import { gzipSync } from 'node:zlib';
import { REPORT_PART_BYTES } from '../../src/store/dynamodb';
import type { Attestation, Decisions, ResourceException } from '../../src/core/decisions';
import { decisionTarget, type AuditEntry, type Store } from '../../src/store';
import { compactScan } from '../../src/store/history';
import { ACCOUNT, alertRecord, dynamoBacking, largeReport, smallReport, sqliteBacking, type Backing } from './fixtures';

const OTHER_ACCOUNT = '210987654321';

describe.each([
  ['sqlite', sqliteBacking],
  ['dynamodb', dynamoBacking],
])('the %s store', (_name, createBacking: () => Promise<Backing>) => {
  let backing: Backing;
  let store: Store;
  beforeEach(async () => {
    backing = await createBacking();
    store = backing.open();
  });
  afterEach(async () => {
    await store.close();
    await backing.dispose();
  });

  describe('reports', () => {
    it('keeps the latest report per account, for every replica', async () => {
      expect(await store.lastScan(ACCOUNT)).toBeUndefined();
      const older = smallReport(new Date('2024-01-01T00:00:00Z'));
      const newer = smallReport(new Date('2024-02-01T00:00:00Z'));
      const other = smallReport(new Date('2024-01-15T00:00:00Z'));
      await store.saveScan(ACCOUNT, older);
      await store.saveScan(OTHER_ACCOUNT, other);
      await store.saveScan(ACCOUNT, newer);

      expect(await store.lastScanAt(ACCOUNT)).toBe(newer.generatedAt);
      expect(await store.lastScanAt('000000000000')).toBeUndefined();
      const replica = backing.open();
      try {
        expect(await replica.lastScan(ACCOUNT)).toEqual(newer);
        expect(await replica.lastScan(OTHER_ACCOUNT)).toEqual(other);
        expect(await replica.lastScan('000000000000')).toBeUndefined();
      } finally {
        await replica.close();
      }
    });

    it('round-trips a report too large for one item exactly, and replaces it', async () => {
      const large = largeReport(20_000, new Date('2024-03-01T00:00:00Z'));
      // Several parts even compressed: the multi-part path is what this exercises.
      expect(gzipSync(JSON.stringify(large)).length).toBeGreaterThan(2 * REPORT_PART_BYTES);
      await store.saveScan(ACCOUNT, large);
      const loaded = await store.lastScan(ACCOUNT);
      expect(JSON.stringify(loaded)).toBe(JSON.stringify(large));

      const small = smallReport(new Date('2024-03-02T00:00:00Z'));
      await store.saveScan(ACCOUNT, small);
      expect(await store.lastScan(ACCOUNT)).toEqual(small);
    });
  });

  describe('scan history', () => {
    const at = (day: number) => new Date(Date.UTC(2024, 0, day));
    const withoutResults = ({ results: _results, ...entry }: ReturnType<typeof compactScan>) => entry;

    it('lists the entries of an account newest first, from `since`, until `until`, up to the limit', async () => {
      const reports = [at(1), at(2), at(3)].map((day) => smallReport(day));
      for (const report of reports) await store.saveScan(ACCOUNT, report);
      await store.saveScan(OTHER_ACCOUNT, smallReport(at(4)));
      const days = async (query?: Parameters<Store['scanHistory']>[1]) => (await store.scanHistory(ACCOUNT, query)).map((e) => e.generatedAt);

      expect(await store.scanHistory(ACCOUNT)).toEqual(reports.reverse().map((r) => withoutResults(compactScan(r))));
      expect(await days({ since: at(2) })).toEqual([at(3), at(2)].map((d) => d.toISOString()));
      expect(await days({ limit: 2 })).toEqual([at(3), at(2)].map((d) => d.toISOString()));
      expect(await days({ since: at(2), limit: 1 })).toEqual([at(3).toISOString()]);
      expect(await days({ since: at(5) })).toEqual([]);
      expect(await days({ until: at(2) })).toEqual([at(2), at(1)].map((d) => d.toISOString()));
      expect(await days({ until: at(2), limit: 1 })).toEqual([at(2).toISOString()]);
      expect(await days({ since: at(2), until: at(2) })).toEqual([at(2).toISOString()]);
      expect(await days({ until: new Date(at(1).getTime() - 1) })).toEqual([]);
      expect((await store.scanHistory(OTHER_ACCOUNT)).map((e) => e.generatedAt)).toEqual([at(4).toISOString()]);
      expect(await store.scanHistory('000000000000')).toEqual([]);
    });

    it('keeps one entry per scan, even when the same report is saved again', async () => {
      const report = smallReport(at(1));
      await store.saveScan(ACCOUNT, report);
      await store.saveScan(ACCOUNT, report);
      expect(await store.scanHistory(ACCOUNT)).toHaveLength(1);
    });

    it('round-trips the compact results of a scan exactly, a list too large for one item included', async () => {
      const small = smallReport(at(1));
      const large = largeReport(40_000, at(2));
      // Several parts even compressed: the multi-part path is what this exercises.
      expect(gzipSync(JSON.stringify(compactScan(large).results)).length).toBeGreaterThan(2 * REPORT_PART_BYTES);
      await store.saveScan(ACCOUNT, small);
      await store.saveScan(ACCOUNT, large);

      const replica = backing.open();
      try {
        expect(await replica.historicScan(ACCOUNT, small.generatedAt)).toEqual(compactScan(small));
        expect(JSON.stringify(await replica.historicScan(ACCOUNT, large.generatedAt))).toBe(JSON.stringify(compactScan(large)));
        expect(await replica.historicScan(ACCOUNT, at(3).toISOString())).toBeUndefined();
        expect(await replica.historicScan(OTHER_ACCOUNT, small.generatedAt)).toBeUndefined();
      } finally {
        await replica.close();
      }
    });

    it('prunes the entries of every account generated before the retention limit', async () => {
      await store.saveScan(ACCOUNT, smallReport(at(1)));
      await store.saveScan(ACCOUNT, largeReport(30_000, at(2)));
      await store.saveScan(ACCOUNT, smallReport(at(3)));
      await store.saveScan(OTHER_ACCOUNT, smallReport(at(1)));

      expect(await store.pruneHistory(at(3))).toBe(3);
      expect((await store.scanHistory(ACCOUNT)).map((e) => e.generatedAt)).toEqual([at(3).toISOString()]);
      expect(await store.historicScan(ACCOUNT, at(2).toISOString())).toBeUndefined();
      expect(await store.scanHistory(OTHER_ACCOUNT)).toEqual([]);
      expect(await store.pruneHistory(at(3))).toBe(0);
      // The last report is not history: pruning leaves it.
      expect((await store.lastScan(ACCOUNT))?.generatedAt).toBe(at(3).toISOString());
    });
  });

  describe('claims and leases', () => {
    let clock: Date;
    const later = (ms: number) => new Date(clock.getTime() + ms);
    let clocked: Store[];
    beforeEach(() => {
      clock = new Date('2024-06-01T06:00:00.000Z');
      clocked = [backing.open(() => clock), backing.open(() => clock)];
    });
    afterEach(async () => {
      for (const s of clocked) await s.close();
    });

    it('gives a claim to exactly one of several replicas claiming it at once', async () => {
      const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => clocked[i % 2].claim('schedule#2024-06-01T06:00', `replica-${i}`, later(60_000))));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = `replica-${claims.indexOf(true)}`;
      expect(await clocked[0].claim('schedule#2024-06-01T06:00', winner, later(60_000))).toBe(false);
      expect(await clocked[1].claim('schedule#2024-06-01T07:00', 'replica-0', later(60_000))).toBe(true);
    });

    it('lets a claim be taken again once it expired', async () => {
      const [a, b] = clocked;
      expect(await a.claim('job', 'a', later(60_000))).toBe(true);
      clock = later(60_000);
      expect(await b.claim('job', 'b', later(60_000))).toBe(false);
      clock = later(1);
      expect(await b.claim('job', 'b', later(60_000))).toBe(true);
      expect(await a.claim('job', 'a', later(60_000))).toBe(false);
    });

    it('keeps a lease for its holder until it expires, then lets another take it', async () => {
      const [a, b] = clocked;
      expect(await a.acquireLease('scan#1', 'a', 60_000)).toBe(true);
      expect(await b.acquireLease('scan#1', 'b', 60_000)).toBe(false);
      expect(await a.acquireLease('scan#1', 'a', 60_000)).toBe(true);
      expect(await b.renewLease('scan#1', 'b', 60_000)).toBe(false);

      clock = later(50_000);
      expect(await a.renewLease('scan#1', 'a', 60_000)).toBe(true);
      clock = later(50_000);
      // Renewed 50 s ago for 60 s: still a's.
      expect(await b.acquireLease('scan#1', 'b', 60_000)).toBe(false);

      clock = later(10_001);
      expect(await b.acquireLease('scan#1', 'b', 60_000)).toBe(true);
      expect(await a.renewLease('scan#1', 'a', 60_000)).toBe(false);
      expect(await a.acquireLease('scan#1', 'a', 60_000)).toBe(false);
      expect(await a.renewLease('other', 'a', 60_000)).toBe(false);
    });

    it('ignores a release by anyone but the holder', async () => {
      const [a, b] = clocked;
      expect(await a.acquireLease('scan#1', 'a', 60_000)).toBe(true);
      await b.releaseLease('scan#1', 'b');
      expect(await b.acquireLease('scan#1', 'b', 60_000)).toBe(false);
      await a.releaseLease('scan#1', 'a');
      expect(await b.acquireLease('scan#1', 'b', 60_000)).toBe(true);
      await a.releaseLease('never-held', 'a');
    });

    it('keeps claims and leases of the same name apart', async () => {
      expect(await clocked[0].claim('x', 'a', later(60_000))).toBe(true);
      expect(await clocked[1].acquireLease('x', 'b', 60_000)).toBe(true);
    });
  });

  describe('JSON values', () => {
    it('round-trips JSON values and overwrites them', async () => {
      expect(await store.get('missing')).toBeUndefined();
      const value = { at: '2024-02-01', ok: true, n: 1.5, list: [1, 'two', null], nested: { emoji: '🔐', quote: '"' } };
      await store.put('schedule.lastRun', value);
      await store.put('drills', ['a', 'b']);
      await store.put('flag', false);
      await store.put('nothing', null);
      expect(await store.get('schedule.lastRun')).toEqual(value);
      expect(await store.get('drills')).toEqual(['a', 'b']);
      expect(await store.get('flag')).toBe(false);
      expect(await store.get('nothing')).toBeNull();

      await store.put('drills', ['c']);
      expect(await store.get('drills')).toEqual(['c']);
    });

    it('refuses undefined', async () => {
      await expect(store.put('key', undefined)).rejects.toThrow(TypeError);
      expect(await store.get('key')).toBeUndefined();
    });
  });

  describe('alerts', () => {
    it('inserts a new alert once', async () => {
      expect(await store.getAlert('guardduty:1')).toBeUndefined();
      const first = alertRecord('guardduty:1', { title: 'first' });
      expect(await store.putAlert(first, undefined)).toBe(true);
      expect(await store.putAlert(alertRecord('guardduty:1', { title: 'second' }), undefined)).toBe(false);
      expect(await store.getAlert('guardduty:1')).toEqual(first);
    });

    it('updates only from the revision the writer read', async () => {
      await store.putAlert(alertRecord('guardduty:1'), undefined);
      const acknowledged = { ...alertRecord('guardduty:1', { rev: 2, state: 'acknowledged' }), acknowledgedBy: 'U012AB3CD' };
      expect(await store.putAlert(acknowledged, 1)).toBe(true);
      expect(await store.putAlert(alertRecord('guardduty:1', { rev: 2, state: 'resolved' }), 1)).toBe(false);
      expect(await store.putAlert(alertRecord('guardduty:2', { rev: 2 }), 1)).toBe(false);
      expect(await store.getAlert('guardduty:1')).toEqual(acknowledged);
      expect(await store.getAlert('guardduty:2')).toBeUndefined();
    });

    it('refuses a revision that does not follow the expected one', async () => {
      await expect(store.putAlert(alertRecord('guardduty:1', { rev: 2 }), undefined)).rejects.toThrow(RangeError);
      await expect(store.putAlert(alertRecord('guardduty:1', { rev: 3 }), 1)).rejects.toThrow(RangeError);
    });

    it('lets exactly one of two replicas writing from the same revision win', async () => {
      const replica = backing.open();
      try {
        const inserts = await Promise.all([store.putAlert(alertRecord('k', { title: 'a' }), undefined), replica.putAlert(alertRecord('k', { title: 'b' }), undefined)]);
        expect(inserts.filter(Boolean)).toHaveLength(1);

        const writes = [alertRecord('k', { rev: 2, state: 'acknowledged' }), alertRecord('k', { rev: 2, state: 'resolved' })];
        const updates = await Promise.all([store.putAlert(writes[0], 1), replica.putAlert(writes[1], 1)]);
        expect(updates.filter(Boolean)).toHaveLength(1);
        expect(await replica.getAlert('k')).toEqual(writes[updates.indexOf(true)]);
      } finally {
        await replica.close();
      }
    });

    it('lists alerts in the given states, oldest first (then by key), up to the limit', async () => {
      const alerts = [
        alertRecord('c', { createdAt: '2024-05-01T10:00:03.000Z', state: 'open' }),
        alertRecord('a', { createdAt: '2024-05-01T10:00:01.000Z', state: 'acknowledged' }),
        alertRecord('e', { createdAt: '2024-05-01T10:00:02.000Z', state: 'open' }),
        alertRecord('d', { createdAt: '2024-05-01T10:00:02.000Z', state: 'open' }),
        alertRecord('b', { createdAt: '2024-05-01T10:00:00.000Z', state: 'resolved' }),
      ];
      for (const alert of alerts) await store.putAlert(alert, undefined);
      const keys = async (query: Parameters<Store['listAlerts']>[0]) => (await store.listAlerts(query)).map((r) => r.key);

      expect(await keys({ states: ['open'] })).toEqual(['d', 'e', 'c']);
      expect(await keys({ states: ['open', 'acknowledged'] })).toEqual(['a', 'd', 'e', 'c']);
      expect(await keys({ states: ['resolved', 'open', 'acknowledged'] })).toEqual(['b', 'a', 'd', 'e', 'c']);
      expect(await keys({ states: ['open', 'acknowledged'], limit: 2 })).toEqual(['a', 'd']);
      expect(await keys({ states: ['open'], limit: 1 })).toEqual(['d']);
      expect(await keys({ states: [] })).toEqual([]);
      expect(await store.listAlerts({ states: ['acknowledged'] })).toEqual([alerts[1]]);

      await store.putAlert(alertRecord('d', { rev: 2, createdAt: '2024-05-01T10:00:02.000Z', state: 'resolved' }), 1);
      expect(await keys({ states: ['open'] })).toEqual(['e', 'c']);
      expect(await keys({ states: ['resolved'] })).toEqual(['b', 'd']);
    });

    it('lists the alerts of one digest card', async () => {
      const members = [
        alertRecord('y', { createdAt: '2024-05-01T10:00:02.000Z', digestId: 'digest-1' }),
        alertRecord('x', { createdAt: '2024-05-01T10:00:01.000Z', digestId: 'digest-1' }),
        alertRecord('z', { createdAt: '2024-05-01T10:00:00.000Z', digestId: 'digest-2' }),
        alertRecord('w', { createdAt: '2024-05-01T10:00:00.000Z' }),
      ];
      for (const alert of members) await store.putAlert(alert, undefined);
      expect(await store.digestAlerts('digest-1')).toEqual([members[1], members[0]]);
      expect(await store.digestAlerts('digest-2')).toEqual([members[2]]);
      expect(await store.digestAlerts('digest-3')).toEqual([]);

      // Leaving the digest (the record no longer names it) takes the alert off its list.
      await store.putAlert(alertRecord('y', { rev: 2, createdAt: '2024-05-01T10:00:02.000Z' }), 1);
      expect((await store.digestAlerts('digest-1')).map((r) => r.key)).toEqual(['x']);
    });
  });

  describe('audit', () => {
    it('keeps the trail of each target in order', async () => {
      const entries: AuditEntry[] = [
        { at: '2024-05-01T10:00:00.000Z', actor: 'ftr-bot', action: 'open', target: 'guardduty:1' },
        { at: '2024-05-01T10:05:00.000Z', actor: 'U012AB3CD', action: 'acknowledge', target: 'guardduty:1', detail: 'digest d-1' },
        { at: '2024-05-01T10:05:00.000Z', actor: 'U012AB3CD', action: 'acknowledge all', target: 'd-1', detail: '2 alerts' },
        { at: '2024-05-01T10:05:00.000Z', actor: 'aws', action: 'archive', target: 'guardduty:1' },
        { at: '2024-05-01T10:09:00.000Z', actor: 'U012AB3CD', action: 'resolve', target: 'guardduty:1' },
      ];
      for (const entry of entries) await store.appendAudit(entry);
      expect(await store.auditTrail('guardduty:1')).toEqual([entries[0], entries[1], entries[3], entries[4]]);
      expect(await store.auditTrail('d-1')).toEqual([entries[2]]);
      expect(await store.auditTrail('nothing')).toEqual([]);
    });
  });

  describe('decisions', () => {
    const attestation = (accountId: string, requirementId: string, fields: Partial<Attestation> = {}): Attestation => ({
      accountId,
      requirementId,
      evidence: `Evidence of ${requirementId} — “reviewed” 🔐`,
      link: 'https://wiki.example.com/ftr?page=1#section',
      owner: 'U0OWNER01',
      recordedBy: 'U0ADMIN01',
      recordedAt: '2024-06-01T10:00:00.000Z',
      expiresAt: '2025-06-01T00:00:00.000Z',
      ...fields,
    });
    const exception = (accountId: string, checkId: string, resource: string, fields: Partial<ResourceException> = {}): ResourceException => ({
      accountId,
      checkId,
      resource,
      reason: `Accepted for ${resource}`,
      owner: 'U0OWNER01',
      recordedBy: 'U0ADMIN01',
      recordedAt: '2024-06-01T10:00:00.000Z',
      expiresAt: '2024-12-01T00:00:00.000Z',
      ...fields,
    });
    /** The store promises no order: compare sorted by what identifies each decision. */
    const sorted = (decisions: Decisions) => ({
      attestations: [...decisions.attestations].sort((a, b) => decisionTarget(a).localeCompare(decisionTarget(b))),
      exceptions: [...decisions.exceptions].sort((a, b) => decisionTarget(a).localeCompare(decisionTarget(b))),
    });

    it('keeps one attestation per account and requirement, replacing it, per account and across accounts', async () => {
      expect(await store.decisions(ACCOUNT)).toEqual({ attestations: [], exceptions: [] });
      expect(await store.decisions()).toEqual({ attestations: [], exceptions: [] });
      const runbook = attestation(ACCOUNT, 'FTR-3.4');
      const drTest = attestation(ACCOUNT, 'FTR-9.3', { link: undefined });
      const otherRunbook = attestation(OTHER_ACCOUNT, 'FTR-3.4', { owner: 'U0OWNER02' });
      for (const a of [runbook, drTest, otherRunbook]) await store.putAttestation(a);
      const revoked = { ...runbook, revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' };
      await store.putAttestation(revoked);

      const replica = backing.open();
      try {
        expect(sorted(await replica.decisions(ACCOUNT))).toEqual(sorted({ attestations: [revoked, drTest], exceptions: [] }));
        expect((await replica.decisions(ACCOUNT)).attestations.find((a) => a.requirementId === 'FTR-9.3')).not.toHaveProperty('link');
        expect(await replica.decisions(OTHER_ACCOUNT)).toEqual({ attestations: [otherRunbook], exceptions: [] });
        expect(await replica.decisions('000000000000')).toEqual({ attestations: [], exceptions: [] });
        expect(sorted(await replica.decisions())).toEqual(sorted({ attestations: [revoked, drTest, otherRunbook], exceptions: [] }));
      } finally {
        await replica.close();
      }
    });

    it('keeps one exception per account, check and resource, apart from the attestations, with any resource name', async () => {
      const check = 's3_bucket_public_access_restricted';
      const resources = ['arn:aws:s3:::site-assets', 'arn:aws:s3:::site-assets#2', 'sg-0abc#ingress#tcp/22', 'arn:aws:s3:::données-café-🔐', 'FTR-3.4'];
      const exceptions = resources.map((resource) => exception(ACCOUNT, check, resource));
      const otherCheck = exception(ACCOUNT, 's3_bucket_default_encryption', 'arn:aws:s3:::site-assets');
      const otherAccount = exception(OTHER_ACCOUNT, check, 'arn:aws:s3:::site-assets');
      // An attestation of the same account, named like one of the exceptions' resources.
      const runbook = attestation(ACCOUNT, 'FTR-3.4');
      for (const e of [...exceptions, otherCheck, otherAccount]) await store.putException(e);
      await store.putAttestation(runbook);
      const revoked = { ...exceptions[0], revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' };
      await store.putException(revoked);

      const replica = backing.open();
      try {
        const own = await replica.decisions(ACCOUNT);
        expect(sorted(own)).toEqual(sorted({ attestations: [runbook], exceptions: [revoked, ...exceptions.slice(1), otherCheck] }));
        expect(own.exceptions.map((e) => e.resource).sort()).toEqual([...resources, 'arn:aws:s3:::site-assets'].sort());
        expect(await replica.decisions(OTHER_ACCOUNT)).toEqual({ attestations: [], exceptions: [otherAccount] });
        expect(sorted(await replica.decisions())).toEqual(sorted({ attestations: [runbook], exceptions: [revoked, ...exceptions.slice(1), otherCheck, otherAccount] }));
      } finally {
        await replica.close();
      }
    });
  });

  it('closes once, and refuses work afterwards', async () => {
    await store.put('key', 1);
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.get('key')).rejects.toThrow();
  });
});
