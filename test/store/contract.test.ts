import { gzipSync } from 'node:zlib';
import { REPORT_PART_BYTES } from '../../src/store/dynamodb';
import type { AuditEntry, Store } from '../../src/store';
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

  it('closes once, and refuses work afterwards', async () => {
    await store.put('key', 1);
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.get('key')).rejects.toThrow();
  });
});
