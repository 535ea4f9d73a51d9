/** The pure parts of the alert pipeline: routing, merging observations, cards, configuration, the store's conditional writes. */
import { alertCard, digestCard, escalationReply, openAlertsMessage } from '../../src/alerts/cards';
import { acknowledged, mergeObservation, newAlertRecord, resolved, updateAlert } from '../../src/alerts/records';
import { routeAlert } from '../../src/alerts/route';
import { runbookFor } from '../../src/alerts/runbooks';
import type { AlertObservation } from '../../src/alerts/types';
import { ConfigError, parseAppConfig } from '../../src/config/load';
import { validateMessage } from '../../src/slack/blocks';
import { loadRunbooks } from '../../src/slack/runbooks';
import { SqliteStore } from '../../src/store';

const NOW = new Date('2024-03-01T12:00:00Z');

function observation(overrides: Partial<AlertObservation> = {}): AlertObservation {
  return {
    key: 'guardduty:abc',
    source: 'guardduty',
    severity: 'high',
    title: 'SSH brute force against i-1',
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    resource: { kind: 'instance', id: 'i-1' },
    accountId: '123456789012',
    region: 'eu-west-1',
    firstSeen: '2024-03-01T10:00:00.000Z',
    lastSeen: '2024-03-01T10:00:00.000Z',
    count: 1,
    version: '2024-03-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('routing', () => {
  const config = parseAppConfig({
    alerts: {
      defaultChannel: 'C0DEFAULT1',
      routes: [
        { channel: 'C0CRIT0001', minSeverity: 'critical' },
        { channel: 'C0PROD0001', sources: ['guardduty', 'securityhub'], accounts: ['123456789012'], regions: ['eu-west-1'], minSeverity: 'medium' },
        { channel: 'C0ROOT0001', sources: ['root-login'] },
      ],
    },
  }).alerts;

  test('first match wins; every field given must match; the default channel otherwise', () => {
    expect(routeAlert(observation({ severity: 'critical' }), config)).toBe('C0CRIT0001');
    expect(routeAlert(observation(), config)).toBe('C0PROD0001');
    expect(routeAlert(observation({ severity: 'low' }), config)).toBe('C0DEFAULT1');
    expect(routeAlert(observation({ region: 'us-east-1' }), config)).toBe('C0DEFAULT1');
    expect(routeAlert(observation({ accountId: '210987654321' }), config)).toBe('C0DEFAULT1');
    expect(routeAlert(observation({ source: 'root-login', severity: 'high' }), config)).toBe('C0ROOT0001');
    expect(routeAlert(observation({ source: 's3-public' }), config)).toBe('C0DEFAULT1');
    expect(routeAlert(observation({ severity: 'low' }), { routes: [], defaultChannel: undefined })).toBeUndefined();
  });

  test('the configuration refuses names, unknown keys and unknown sources with one line naming them', () => {
    const fail = (alerts: unknown) => () => parseAppConfig({ alerts });
    expect(fail({ defaultChannel: '#security' })).toThrow(/alerts\.defaultChannel: must be a Slack channel ID/);
    expect(fail({ routes: [{ channel: 'C0SEC00001', sources: ['cloudwatch'] }] })).toThrow(/alerts\.routes\.0\.sources\.0/);
    expect(fail({ routes: [{ channel: 'C0SEC00001', minSeverity: 'urgent' }] })).toThrow(ConfigError);
    expect(fail({ escalation: { mention: '@oncall' } })).toThrow(/alerts\.escalation\.mention: must be a Slack user group ID/);
    expect(fail({ routes: [{ channel: 'C0SEC00001', severity: 'high' }] })).toThrow(/Unrecognized key/);
    expect(() => parseAppConfig({ roles: { responders: ['alice'] } })).toThrow(/roles\.responders\.0/);
    expect(parseAppConfig({}).alerts).toEqual({ routes: [], escalation: { afterMinutes: 30, repeat: 2 }, reflectInAws: false, digestAfter: 10, postsPerSecond: 1 });
  });
});

describe('merging observations of one alert', () => {
  const first = newAlertRecord({ observation: observation(), eventId: 'e1', channel: 'C0SEC00001', now: NOW, escalateAfterMs: 60_000 });

  test('a later update changes the card and leaves a note; the same event or an older one changes nothing', () => {
    const later = observation({ version: '2024-03-01T11:00:00.000Z', lastSeen: '2024-03-01T11:00:00.000Z', count: 4 });
    const merged = mergeObservation(first, later, 'e2', NOW)!;
    expect(merged).toMatchObject({ contentRev: 2, state: 'open', alert: { count: 4, firstSeen: first.alert.firstSeen }, eventIds: ['e1', 'e2'] });
    expect(merged.notes[0]).toMatch(/^Seen again \(4 times\)/);
    expect(mergeObservation(merged, later, 'e2', NOW)).toBeUndefined();
    expect(mergeObservation(merged, observation(), 'e3', NOW)).toBeUndefined();
  });

  test('an observation that says it is over resolves the alert; a later one reopens it with escalation rescheduled', () => {
    const over = mergeObservation(first, observation({ version: '2024-03-01T11:00:00.000Z', resolved: true }), 'e2', NOW)!;
    expect(over).toMatchObject({ state: 'resolved', resolvedBy: 'aws', nextEscalationAt: undefined });
    const acked = acknowledged(first, 'U0RESP', NOW)!;
    const reopened = mergeObservation({ ...acked, state: 'resolved' }, observation({ version: '2024-03-01T12:00:00.000Z' }), 'e3', NOW, 60_000)!;
    expect(reopened).toMatchObject({ state: 'open', acknowledgedBy: undefined, escalations: 0, nextEscalationAt: '2024-03-01T12:01:00.000Z' });
  });

  test('each bucket event that finds the bucket still public counts once more', () => {
    const bucket = newAlertRecord({ observation: observation({ source: 's3-public', key: 's3-public:1:b' }), eventId: 'e1', now: NOW });
    expect(mergeObservation(bucket, observation({ source: 's3-public', key: 's3-public:1:b', version: '2024-03-01T10:05:00.000Z' }), 'e2', NOW)!.alert.count).toBe(2);
  });

  test('acknowledge only an open alert; resolve anything not resolved', () => {
    expect(acknowledged(first, 'U1', NOW)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U1', nextEscalationAt: undefined });
    expect(acknowledged(acknowledged(first, 'U1', NOW)!, 'U2', NOW)).toBeUndefined();
    expect(resolved(first, 'U1', NOW)).toMatchObject({ state: 'resolved', resolvedBy: 'U1' });
    expect(resolved(resolved(first, 'U1', NOW)!, 'U2', NOW)).toBeUndefined();
  });
});

describe('the store', () => {
  test('alert writes are conditional on the revision: a stale writer loses and retries, a second insert loses', async () => {
    const store = new SqliteStore(':memory:');
    const record = newAlertRecord({ observation: observation(), eventId: 'e1', channel: 'C0SEC00001', now: NOW });
    expect(await store.putAlert(record, undefined)).toBe(true);
    expect(await store.putAlert(record, undefined)).toBe(false);
    expect(await store.putAlert({ ...record, rev: 2, ts: '1.1' }, 1)).toBe(true);
    // A writer that read revision 1 cannot overwrite revision 2.
    expect(await store.putAlert({ ...record, rev: 2, ts: '9.9' }, 1)).toBe(false);
    expect((await store.getAlert(record.key))!.ts).toBe('1.1');
    // updateAlert reads again until its write lands.
    const written = await updateAlert(store, record.key, (c) => ({ ...c, notes: [...c.notes, 'x'] }));
    expect(written).toMatchObject({ rev: 3, ts: '1.1', notes: ['x'] });
    await store.putAlert({ ...newAlertRecord({ observation: observation({ key: 'k2' }), eventId: 'e', now: new Date('2024-03-01T11:00:00Z') }), digestId: 'd1' }, undefined);
    expect((await store.listAlerts({ states: ['open'] })).map((r) => r.key)).toEqual(['k2', record.key]);
    expect((await store.digestAlerts('d1')).map((r) => r.key)).toEqual(['k2']);
    await store.appendAudit({ at: NOW.toISOString(), actor: 'U1', action: 'acknowledge', target: 'k2' });
    expect(await store.auditTrail('k2')).toEqual([{ at: NOW.toISOString(), actor: 'U1', action: 'acknowledge', target: 'k2' }]);
    await store.close();
  });
});

describe('cards', () => {
  const runbooks = loadRunbooks();

  test('finding type families and sources map to the shipped runbooks', () => {
    expect(runbookFor(observation(), runbooks)?.name).toBe('guardduty-compromised-ec2');
    expect(runbookFor(observation({ type: 'Recon:EC2/PortProbeUnprotectedPort' }), runbooks)?.name).toBe('guardduty-reconnaissance');
    expect(runbookFor(observation({ type: 'Exfiltration:S3/AnomalousBehavior' }), runbooks)?.name).toBe('guardduty-s3-data-exfiltration');
    expect(runbookFor(observation({ source: 's3-public', type: 'S3 bucket public' }), runbooks)?.name).toBe('public-s3-bucket');
    expect(runbookFor(observation({ source: 'root-login', type: 'Root console sign-in' }), runbooks)?.name).toBe('root-credential-misuse');
    expect(runbookFor(observation({ source: 'securityhub', type: 'IAM.6' }), runbooks)).toBeUndefined();
  });

  test('a card escapes AWS text, stays within Block Kit limits even with huge fields, and changes with the state', () => {
    const hostile = observation({ title: `<!here> *x* ${'a'.repeat(5000)}`, description: `<https://evil.example|click> ${'b'.repeat(9000)}`, type: 'T'.repeat(500), resource: { kind: 'bucket', id: '`'.repeat(3000) } });
    const record = newAlertRecord({ observation: hostile, eventId: 'e', channel: 'C1', now: NOW });
    const card = alertCard(record);
    expect(validateMessage(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil');
    expect(card.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'ftr_alert_ack', value: record.key }] });
    const acked = alertCard(acknowledged(record, 'U0RESP', NOW)!);
    expect(JSON.stringify(acked)).toContain('Acknowledged* by <@U0RESP>');
    expect(acked.blocks.at(-1)).toMatchObject({ elements: [{ action_id: 'ftr_alert_resolve' }] });
    const done = alertCard(resolved(record, 'U0RESP', NOW)!);
    expect(JSON.stringify(done)).not.toContain('ftr_alert_resolve');
  });

  test('a digest names the group, lists five, and offers Show all and Acknowledge all', () => {
    const members = Array.from({ length: 37 }, (_, i) => ({
      ...newAlertRecord({ observation: observation({ key: `guardduty:${i}`, resource: { kind: 'instance', id: `i-${i}` } }), eventId: `e${i}`, channel: 'C1', now: NOW }),
      digestId: 'd1',
    }));
    const card = digestCard({ digestId: 'd1', members });
    expect(validateMessage(card)).toEqual([]);
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('37 alerts');
    expect(json).toContain('UnauthorizedAccess:EC2/SSHBruteForce');
    expect(json).toContain('32 more alerts');
    expect(card.blocks.at(-1)).toMatchObject({ elements: [{ action_id: 'ftr_alert_ack_all', value: 'd1' }, { action_id: 'ftr_alert_digest_page', value: 'd1|0' }] });
  });

  test('escalation mentions the user group; the open list counts all and lists the oldest', () => {
    expect(escalationReply({ mention: 'S0ONCALL01', minutes: 31, title: '<!channel>' }).text).toMatch(/^:rotating_light: <!subteam\^S0ONCALL01> &lt;!channel&gt; is still not acknowledged after 31 minutes/);
    const records = [newAlertRecord({ observation: observation(), eventId: 'e', channel: 'C1', now: NOW })];
    const message = openAlertsMessage({ records, total: 140 });
    expect(message.text).toBe('140 unacknowledged alerts');
    expect(JSON.stringify(message.blocks)).toContain('and 139 more');
    expect(openAlertsMessage({ records: [], total: 0 }).text).toBe('No unacknowledged alerts');
  });
});
