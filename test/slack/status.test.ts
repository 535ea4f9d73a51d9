import { ScanSetupError } from '../../src/engine/scanAccount';
import type { ScanReport } from '../../src/engine/scan';
import { requirements } from '../../src/core/requirements';
import { compactScan } from '../../src/store/history';
import { slackDate } from '../../src/slack/blocks/format';
import { weekAgoEntry } from '../../src/slack/status';
import { buttonClick, ephemeralButtonClick } from '../support/slackRequests';
import { ADMIN, heldScanner, motoScanner, PUBLIC_CHANNELS, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import type { RecordedCall, StoredMessage } from '../support/slackApi';
import { ACCOUNT, smallReport } from './fixtures';

let h: SlackHarness;
afterEach(() => h?.stop());

function scansStarted(): number {
  return h.logs.filter((line) => JSON.parse(line).msg === 'scan started').length;
}

function stored(call: RecordedCall): StoredMessage {
  return h.api.messages.get(call.args.channel)!.get(call.args.ts ?? '')!;
}

/** The message posted in `channel`, once its content is no longer a progress message. */
function finished(channel: string): Promise<StoredMessage> {
  return h.api.waitFor(
    () => [...(h.api.messages.get(channel)?.values() ?? [])].find((m) => !m.threadTs && m.text.startsWith('FTR readiness')),
    30_000,
    `the final status in ${channel}`,
  );
}

const sectionLines = (m: StoredMessage) => m.blocks.filter((b) => b.type === 'section' && /^:\w+: \*(FTR-\d+|WAS-[A-Z]+)\*/.test(b.text.text));

describe('/ftr status against the moto-backed account', () => {
  let scanner: ReturnType<typeof heldScanner>;
  beforeEach(async () => {
    scanner = heldScanner(motoScanner());
    h = await startSlackHarness({ scanner });
  });

  test('acknowledges at once, shows progress while the real catalog scans, then the posture per section', async () => {
    const ack = await h.command('status');
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    expect(ack.ms).toBeLessThan(500);
    // The catalog has run when a progress edit shows every check done; then the scan may finish.
    await h.api.waitFor(() => h.api.callsTo('chat.update').some((u) => /^Scanning \d+: (\d+)\/\1 checks/.test(u.args.text)), 30_000, 'full progress');
    scanner.release();

    const final = await finished('C0GENERAL');
    const [first, ...others] = h.api.callsTo('chat.postMessage');
    expect(others).toEqual([]);
    expect(first.args.text).toMatch(new RegExp(`^Scanning ${ACCOUNT}: \\d+/\\d+ checks`));
    const updates = h.api.callsTo('chat.update');
    expect(updates.every((u) => u.args.ts === final.ts)).toBe(true);
    const progress = updates.filter((u) => u.args.text.startsWith('Scanning'));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // Throttled: never two progress edits (or the post and an edit) closer than the interval.
    const times = [first, ...progress].map((c) => c.at);
    for (let i = 1; i < times.length; i += 1) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(400);
    expect(updates[updates.length - 1].args.text).toMatch(new RegExp(`^FTR readiness for ${ACCOUNT}`));

    expect(sectionLines(final).length).toBeGreaterThan(0);
    expect(JSON.stringify(final.blocks)).toContain('ftr_rescan');
    expect(scansStarted()).toBe(1);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('a second /ftr status while the scan runs joins it: one scan, both messages get the result', async () => {
    await h.command('status', { channelId: 'C0FIRST' });
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1, 5000, 'the progress message');
    await h.command('status', { channelId: 'C0SECOND', userId: READER });
    const joined = await h.api.waitFor(() => h.api.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0SECOND'), 5000, 'the second message');
    expect(joined.args.text).toMatch(/^Scanning/);
    scanner.release();

    const [a, b] = await Promise.all([finished('C0FIRST'), finished('C0SECOND')]);
    expect(scansStarted()).toBe(1);
    expect(b.text).toBe(a.text);
    // The reader joined the admin's scan but gets no Re-scan button.
    expect(JSON.stringify(a.blocks)).toContain('ftr_rescan');
    expect(JSON.stringify(b.blocks)).not.toContain('ftr_rescan');
    expect(h.api.allViolations()).toEqual([]);
  });
});

describe('/ftr status, scan and Re-scan with a scripted scanner', () => {
  let scanner: ReturnType<typeof scriptedScanner>;
  beforeEach(async () => {
    scanner = scriptedScanner({ report: () => smallReport(), steps: 4, stepMs: 50 });
    h = await startSlackHarness({ scanner });
  });

  test('a recent scan is reused, its age shown, and nothing is scanned', async () => {
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 5 * 60_000)));
    await h.command('status');
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the status');
    expect(posted.args.text).toMatch(/^FTR readiness for 123456789012: 1 check failing \(gathered 5 minutes ago\)/);
    expect(h.api.callsTo('chat.update')).toEqual([]);
    expect(scanner.scansStarted).toBe(0);
  });

  test('an old scan is not reused: a new one starts', async () => {
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 16 * 60_000)));
    await h.command('status');
    await finished('C0GENERAL');
    expect(scanner.scansStarted).toBe(1);
  });

  test('/ftr status FTR-7 shows one section, requirement by requirement', async () => {
    await h.store.saveScan(ACCOUNT, smallReport());
    await h.command('status FTR-7');
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the status');
    expect(JSON.stringify(posted.args.blocks)).toContain('FTR-7.1');
    expect(posted.args.text).toMatch(/^FTR-7 /);
  });

  test('/ftr scan re-scans even when the last scan is recent', async () => {
    await h.store.saveScan(ACCOUNT, smallReport());
    await h.command('scan');
    await finished('C0GENERAL');
    expect(scanner.scansStarted).toBe(1);
  });

  test('the Re-scan button re-scans and updates that same message', async () => {
    await h.store.saveScan(ACCOUNT, smallReport());
    await h.command('status');
    const message = await finished('C0GENERAL');
    h.api.calls.length = 0;

    const click = await h.send(
      buttonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN, channelId: 'C0GENERAL', messageTs: message.ts, responseUrl: h.api.responseUrl('click') }),
    );
    expect(click.status).toBe(200);
    await h.api.waitFor(() => scanner.scansStarted === 1 && !h.scans.current(ACCOUNT) && !JSON.stringify(stored(h.api.callsTo('chat.update').at(-1)!).blocks).includes('A scan is running'), 5000, 'the re-scan');
    const updates = h.api.callsTo('chat.update');
    // The report stays while the scan runs, saying so; then the result replaces it: two edits.
    expect(updates).toHaveLength(2);
    expect(updates[0].args.text).toMatch(/^FTR readiness/);
    expect(JSON.stringify(updates[0].args.blocks)).toMatch(/A scan is running\* \(.*\); this message will update when it finishes/);
    expect(updates.every((u) => u.args.ts === message.ts && u.args.channel === 'C0GENERAL')).toBe(true);
    expect(JSON.stringify(updates[1].args.blocks)).toContain('ftr_rescan');
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('a non-admin is refused /ftr scan privately, and nothing is scanned or posted', async () => {
    await h.command('scan', { userId: READER, responseId: 'reader' });
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts[0], 5000, 'the refusal');
    expect(reply.id).toBe('reader');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toMatch(/Only FTR admins may run \/ftr scan/);
    expect(JSON.stringify(reply.body.blocks)).toContain(`<@${ADMIN}>`);
    expect(scanner.scansStarted).toBe(0);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('a non-admin pressing Re-scan is refused privately and the message is left alone', async () => {
    await h.store.saveScan(ACCOUNT, smallReport());
    await h.command('status');
    const message = await finished('C0GENERAL');
    h.api.calls.length = 0;
    await h.send(
      buttonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: READER, channelId: 'C0GENERAL', messageTs: message.ts, responseUrl: h.api.responseUrl('click') }),
    );
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'click'), 5000, 'the refusal');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(reply.body.text).toMatch(/Only FTR admins may re-scan/);
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(0);
    expect(h.api.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  test('a non-admin sees an old report as it is and starts no scan', async () => {
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 3 * 3600_000)));
    await h.command('status', { userId: READER });
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the status');
    expect(posted.args.text).toMatch(/gathered 3 hours ago/);
    expect(JSON.stringify(posted.args.blocks)).not.toContain('ftr_rescan');
    expect(scanner.scansStarted).toBe(0);
  });

  test('a non-admin asking before any scan is told privately that an admin must start one', async () => {
    await h.command('status', { userId: READER });
    const reply = await h.api.waitFor(() => h.api.responseUrlPosts[0], 5000, 'the answer');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toMatch(/Could not show the FTR status/);
    expect(JSON.stringify(reply.body.blocks)).toMatch(/only FTR admins can start one/);
    expect(scanner.scansStarted).toBe(0);
  });

  test('when the bot is not in the channel, the status goes through the response_url (first step and result only)', async () => {
    h.api.notInChannel.add('C0PRIVATE');
    await h.command('status', { channelId: 'C0PRIVATE', responseId: 'private' });
    await h.api.waitFor(() => h.api.responseUrlPosts.some((p) => p.body.text.startsWith('FTR readiness')), 5000, 'the result');
    const posts = h.api.responseUrlPosts;
    expect(posts.map((p) => [p.id, p.body.response_type, p.body.replace_original])).toEqual([
      ['private', 'in_channel', false],
      ['private', 'in_channel', true],
    ]);
    expect(posts[0].body.text).toMatch(/^Scanning/);
    expect(h.api.callsTo('chat.postMessage').map((c) => c.outcome)).toEqual(['not_in_channel']);
    expect(h.api.callsTo('chat.update')).toEqual([]);
  });

  test('a failed scan replaces the progress message with the reason', async () => {
    await h.stop();
    const failing = { ...scriptedScanner({ report: () => smallReport() }), scan: () => Promise.reject(new ScanSetupError('no AWS credentials found: set AWS_PROFILE')) };
    h = await startSlackHarness({ scanner: failing });
    await h.command('status');
    const final = await h.api.waitFor(() => [...(h.api.messages.get('C0GENERAL')?.values() ?? [])].find((m) => m.text.startsWith('Could not')), 5000, 'the failure');
    expect(JSON.stringify(final.blocks)).toContain('no AWS credentials found');
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** smallReport with every result failing: no requirement met (smallReport itself meets one). */
function nothingMet(generatedAt: Date): ScanReport {
  const report = smallReport(generatedAt);
  return { ...report, results: report.results.map((r) => ({ ...r, status: 'FAIL' as const })) };
}

describe('weekAgoEntry', () => {
  const reportAt = new Date('2024-05-15T10:00:00.000Z');
  const entry = (iso: string) => compactScan(smallReport(new Date(iso)));
  const at = (entries: ReturnType<typeof entry>[]) => weekAgoEntry(entries, reportAt)?.generatedAt;

  it('takes the newest scan at least a week before the report', () => {
    expect(at([entry('2024-05-15T10:00:00Z'), entry('2024-05-10T10:00:00Z'), entry('2024-05-08T10:00:00Z'), entry('2024-05-03T10:00:00Z')])).toBe('2024-05-08T10:00:00.000Z');
    expect(at([entry('2024-05-08T10:00:01Z'), entry('2024-05-07T23:00:00Z')])).toBe('2024-05-07T23:00:00.000Z');
  });

  it('else the oldest scan before the report', () => {
    expect(at([entry('2024-05-15T10:00:00Z'), entry('2024-05-14T10:00:00Z'), entry('2024-05-12T10:00:00Z')])).toBe('2024-05-12T10:00:00.000Z');
  });

  it('finds none when no scan is older than the report', () => {
    expect(at([entry('2024-05-16T10:00:00Z'), entry('2024-05-15T10:00:00Z')])).toBeUndefined();
    expect(at([])).toBeUndefined();
  });
});

describe('/ftr status shows the direction since a week before', () => {
  beforeEach(async () => {
    h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }) });
  });

  const postureLine = (blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: string }> }>) =>
    blocks
      .flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : ''))])
      .flatMap((t) => t.split('\n'))
      .find((t) => t.includes('requirements met'));

  test('from the scan history in the store', async () => {
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    await h.store.saveScan(ACCOUNT, nothingMet(new Date(Date.now() - 9 * 24 * 3600_000)));
    await h.store.saveScan(ACCOUNT, nothingMet(eightDaysAgo));
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 3 * 24 * 3600_000)));
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 5 * 60_000)));
    await h.command('status');
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the status');
    expect(postureLine(posted.args.blocks)).toMatch(new RegExp(`^\\*1 of ${requirements().all.length} requirements met\\*.* · :arrow_up: 1 more than a week ago \\(0 on ${escapeRegExp(slackDate(eightDaysAgo))}\\)$`));
  });

  test('without it when the history cannot be read, which is logged', async () => {
    await h.store.saveScan(ACCOUNT, nothingMet(new Date(Date.now() - 8 * 24 * 3600_000)));
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 5 * 60_000)));
    jest.spyOn(h.store, 'scanHistory').mockRejectedValue(new Error('the disk is on fire'));
    await h.command('status');
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the status');
    expect(postureLine(posted.args.blocks)).toMatch(new RegExp(`^\\*1 of ${requirements().all.length} requirements met\\*`));
    expect(postureLine(posted.args.blocks)).not.toMatch(/week ago|since/);
    const warning = h.logs.map((line) => JSON.parse(line)).find((l) => l.msg === 'status shown without its direction: the scan history cannot be read');
    expect(warning).toMatchObject({ level: 40, err: { message: 'the disk is on fire' } });
  });
});

describe('while a scan runs, when it fails, and when one may not start', () => {
  const failing = () => ({ ...scriptedScanner({ report: () => smallReport() }), scan: () => Promise.reject(new ScanSetupError('no AWS credentials found: set AWS_PROFILE')) });
  const topLevel = (channel: string) => h.api.topLevelMessages(channel);
  const running = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks).includes('A scan is running');

  test('a reader asking during a scan gets the last report at once, saying a scan runs; one edit then shows the result', async () => {
    const scanner = heldScanner(scriptedScanner({ report: () => smallReport(), steps: 2, stepMs: 10 }));
    h = await startSlackHarness({ scanner });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 3 * 3600_000)));
    await h.command('scan', { channelId: 'C0FIRST' });
    await h.api.waitFor(() => topLevel('C0FIRST')[0], 5000, 'the admin’s status');
    await h.command('status', { userId: READER, channelId: 'C0SECOND' });
    const asked = await h.api.waitFor(() => topLevel('C0SECOND')[0], 5000, 'the reader’s status');
    expect(asked.text).toMatch(/^FTR readiness .*gathered 3 hours ago/);
    expect(running(asked)).toBe(true);
    expect(JSON.stringify(asked.blocks)).not.toContain('ftr_rescan');

    scanner.release();
    await h.api.waitFor(() => ['C0FIRST', 'C0SECOND'].every((c) => topLevel(c)[0] && !running(topLevel(c)[0])), 10_000, 'both results');
    for (const channel of ['C0FIRST', 'C0SECOND']) {
      expect(topLevel(channel)[0].text).toMatch(/gathered just now/);
      expect(h.api.callsTo('chat.update').filter((u) => u.args.channel === channel)).toHaveLength(1);
    }
    expect(scansStarted()).toBe(1);
  });

  test('a failed Re-scan keeps the report and its Re-scan button, and adds what failed', async () => {
    h = await startSlackHarness({ scanner: failing() });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 5 * 60_000)));
    await h.command('status');
    const message = await h.api.waitFor(() => topLevel('C0GENERAL')[0], 5000, 'the status');
    await h.send(buttonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN, channelId: 'C0GENERAL', messageTs: message.ts, responseUrl: h.api.responseUrl('click') }));
    const final = await h.api.waitFor(() => JSON.stringify(topLevel('C0GENERAL')[0].blocks).includes('The scan failed') && topLevel('C0GENERAL')[0], 5000, 'the failure');
    expect(final.ts).toBe(message.ts);
    expect(final.text).toMatch(/^FTR readiness .*gathered 5 minutes ago/);
    const blocks = JSON.stringify(final.blocks);
    // (The underscore is escaped against italics.)
    expect(blocks).toContain(':warning: *The scan failed:* no AWS credentials found: set AWS');
    expect(blocks).toContain('This is the last complete result.');
    expect(blocks).toContain('ftr_rescan');
    expect(running(final)).toBe(false);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('Re-scan on a private status edits it through its response_url only: no chat.update of a message the API cannot see', async () => {
    const scanner = scriptedScanner({ report: () => smallReport() });
    h = await startSlackHarness({ scanner });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 5 * 60_000)));
    await h.send(ephemeralButtonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN, channelId: 'C0UNLISTED', responseUrl: h.api.responseUrl('private') }));
    await h.api.waitFor(() => scanner.scansStarted === 1 && !h.scans.current(ACCOUNT) && h.api.responseUrlPosts.length === 2, 5000, 'the re-scan');
    const [first, last] = h.api.responseUrlPosts;
    expect(first.body.replace_original).toBe(true);
    expect(JSON.stringify(first.body.blocks)).toContain('A scan is running');
    expect(last.body.replace_original).toBe(true);
    expect(last.body.text).toMatch(/gathered just now/);
    expect(h.api.callsTo('chat.update')).toEqual([]);
  });

  test('a failed /ftr scan keeps the last report too; without one, the reason alone', async () => {
    h = await startSlackHarness({ scanner: failing() });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 3 * 3600_000)));
    await h.command('scan');
    const final = await h.api.waitFor(() => topLevel('C0GENERAL').find((m) => JSON.stringify(m.blocks).includes('The scan failed')), 5000, 'the failure');
    expect(final.text).toMatch(/^FTR readiness .*gathered 3 hours ago/);
    expect(JSON.stringify(final.blocks)).toContain('ftr_rescan');
  });

  test('/ftr scan with an unknown section answers privately at once with the closest sections, and scans nothing', async () => {
    const scanner = scriptedScanner({ report: () => smallReport() });
    h = await startSlackHarness({ scanner });
    const started = Date.now();
    await h.command('scan FTR-77', { responseId: 'typo' });
    const typo = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'typo'), 5000, 'the answer');
    expect(typo.at - started).toBeLessThan(1000);
    expect(typo.body.response_type).toBe('ephemeral');
    expect(typo.body.text).toBe('Unknown section FTR-77');
    expect(JSON.stringify(typo.body.blocks)).toMatch(/There is no section `FTR-77`\. Did you mean `FTR-7` or `FTR-1` or `FTR-10`\? Nothing was scanned\./);

    await h.command('status bogus', { userId: READER, responseId: 'bogus' });
    const bogus = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'bogus'), 5000, 'the answer');
    expect(bogus.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(bogus.body.blocks)).toMatch(/There is no section `bogus`\. Nothing was scanned\..*Sections: `FTR-1`, `FTR-2`/);
    await h.command('scan iamm', { responseId: 'iam' });
    const iam = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'iam'), 5000, 'the answer');
    expect(JSON.stringify(iam.body.blocks)).toContain('Did you mean `WAS-IAM`?');

    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(0);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('per-person cooldown: the same admin is refused privately, told when, and shown the last result; another admin may scan', async () => {
    const scanner = scriptedScanner({ report: () => smallReport() });
    h = await startSlackHarness({
      scanner,
      config: { roles: { admins: [ADMIN, 'U0ADMIN2'] }, slack: { progressUpdateSeconds: 0.5, publicChannels: PUBLIC_CHANNELS, scanMinIntervalMinutes: 0, userScanCooldownMinutes: 5 } },
    });
    await h.command('scan');
    await finished('C0GENERAL');
    await h.command('scan', { responseId: 'again' });
    const refusal = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'again'), 5000, 'the refusal');
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(refusal.body.text).toBe('Not scanned now: the next scan can start in 5 minutes');
    expect(JSON.stringify(refusal.body.blocks)).toMatch(
      /:stopwatch: \*Not scanned now\.\* You started a scan just now; each person may start one every 5 minutes\. The next scan can start <!date\^\d+\^[^|]+\|[^>]+> \(in 5 minutes\)\..*Meanwhile, the last result is shown\./,
    );
    await h.api.waitFor(() => topLevel('C0GENERAL').length === 2, 5000, 'the last result');
    expect(topLevel('C0GENERAL')[1].text).toMatch(/^FTR readiness .*gathered just now/);
    expect(scanner.scansStarted).toBe(1);

    await h.command('scan', { userId: 'U0ADMIN2' });
    await h.api.waitFor(() => scanner.scansStarted === 2, 5000, 'the other admin’s scan');
  });

  test('an admin’s status past reuseScanMinutes within the account’s interval shows the last report, without a scan or a refusal', async () => {
    const scanner = scriptedScanner({ report: () => smallReport() });
    h = await startSlackHarness({ scanner, config: { roles: { admins: [ADMIN] }, slack: { progressUpdateSeconds: 0.5, publicChannels: PUBLIC_CHANNELS, reuseScanMinutes: 0 } } });
    await h.command('scan');
    await finished('C0GENERAL');
    await new Promise((r) => setTimeout(r, 50));
    await h.command('status', { responseId: 'stale' });
    await h.api.waitFor(() => topLevel('C0GENERAL').length === 2, 5000, 'the status');
    expect(topLevel('C0GENERAL')[1].text).toMatch(/^FTR readiness/);
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(1);
    expect(h.api.responseUrlPosts).toEqual([]);
  });
});
