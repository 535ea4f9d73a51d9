import type { KnownBlock } from '@slack/types';
import { DAY_MS, type Attestation, type ResourceException } from '../../src/core/decisions';
import { requirements } from '../../src/core/requirements';
import { homeView, validateBlocks } from '../../src/slack/blocks';
import { HOME_DECISION_LINES } from '../../src/slack/blocks/home';
import { appHomeOpened } from '../support/slackRequests';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { largeReport, NOW } from './blocks/fixtures';
import { ACCOUNT, smallReport } from './fixtures';

const OTHER = 'U0OTHER';

const inDays = (days: number, from = Date.now()): string => new Date(from + days * DAY_MS).toISOString();

function attestation(requirementId: string, owner: string, expiresInDays: number, extra: Partial<Attestation> = {}): Attestation {
  return {
    accountId: ACCOUNT,
    requirementId,
    evidence: `Evidence for ${requirementId}`,
    owner,
    recordedBy: ADMIN,
    recordedAt: inDays(-30),
    expiresAt: inDays(expiresInDays),
    ...extra,
  };
}

function exception(resource: string, owner: string, expiresInDays: number, from = Date.now()): ResourceException {
  return {
    accountId: ACCOUNT,
    checkId: 'iam_user_mfa_enabled_console_access',
    resource,
    reason: 'Break-glass user kept in the safe.',
    owner,
    recordedBy: ADMIN,
    recordedAt: inDays(-1, from),
    expiresAt: inDays(expiresInDays, from),
  };
}

function textOf(block: KnownBlock): string {
  const b = block as { text?: { text: string }; elements?: { text?: string }[] };
  return b.text?.text ?? (b.elements ?? []).map((e) => e.text ?? '').join(' ');
}

/** The text of the list titled `title` on a Home view: its sections up to the next divider. */
function list(blocks: readonly KnownBlock[], title: string): string | undefined {
  const start = blocks.findIndex((b) => textOf(b).startsWith(`*${title}*`));
  if (start === -1) return undefined;
  const end = blocks.findIndex((b, i) => i > start && b.type === 'divider');
  return blocks
    .slice(start, end === -1 ? undefined : end)
    .map(textOf)
    .join('\n');
}

describe('attestations and exceptions on the App Home', () => {
  let h: SlackHarness;

  beforeEach(async () => {
    h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }) });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
    h.api.reset();
  });
  afterEach(() => h.stop());

  const openHome = async (userId: string): Promise<KnownBlock[]> => {
    await h.send(appHomeOpened(userId));
    return (await h.api.waitFor(() => h.api.homeViews.get(userId), 5000, 'the home view')).blocks;
  };

  test("the viewer's own attestations, expired ones as failing, and what expires soon with its owner", async () => {
    await h.store.putAttestation(attestation('FTR-3.4', READER, 200));
    await h.store.putAttestation(attestation('WAS-IR-3', READER, -2));
    await h.store.putAttestation(attestation('FTR-1.1', READER, 100, { revokedBy: ADMIN, revokedAt: inDays(-1) }));
    await h.store.putAttestation(attestation('FTR-7.8', OTHER, 5));
    await h.store.putAttestation(attestation('WAS-IR-1', OTHER, 300));
    await h.store.putException(exception(`arn:aws:iam::${ACCOUNT}:user/alice`, OTHER, 3));
    await h.store.putException(exception(`arn:aws:iam::${ACCOUNT}:user/bob`, OTHER, 40));

    const blocks = await openHome(READER);
    expect(JSON.stringify(blocks)).toContain('FTR readiness');

    const own = list(blocks, 'Your attestations')!;
    expect(own).toContain(`*FTR-3.4* ${requirements().byId.get('FTR-3.4')!.short}`);
    expect(own).toContain(`until ${inDays(200).slice(0, 10)}`);
    expect(own).toMatch(new RegExp(`:x: \\*WAS-IR-3\\*.* — expired on ${inDays(-2).slice(0, 10)}: failing until recorded again by an FTR admin`));
    // Expired first: it fails now.
    expect(own.indexOf('WAS-IR-3')).toBeLessThan(own.indexOf('FTR-3.4'));
    // Revoked ones and other people's are not the viewer's.
    expect(own).not.toContain('FTR-1.1');
    expect(own).not.toContain('FTR-7.8');
    expect(own).not.toContain('WAS-IR-1');

    const expiring = list(blocks, 'Expiring within 14 days')!;
    expect(expiring).toContain(`\`iam_user_mfa_enabled_console_access\` on \`arn:aws:iam::${ACCOUNT}:user/alice\`: exception expires ${inDays(3).slice(0, 10)} (in 3 days), owner <@${OTHER}>`);
    expect(expiring).toContain(`*FTR-7.8*`);
    expect(expiring).toContain(`attestation expires ${inDays(5).slice(0, 10)} (in 5 days), owner <@${OTHER}>`);
    // Soonest first; nothing expiring later than 14 days, nothing expired.
    expect(expiring.indexOf('user/alice')).toBeLessThan(expiring.indexOf('FTR-7.8'));
    expect(expiring).not.toContain('user/bob');
    expect(expiring).not.toContain('WAS-IR-1');
    expect(expiring).not.toContain('WAS-IR-3');
    expect(h.api.allViolations()).toEqual([]);
  });

  test('someone who owns nothing sees no list of their own, and still sees what expires soon', async () => {
    await h.store.putAttestation(attestation('FTR-3.4', READER, 10));
    const blocks = await openHome(ADMIN);
    expect(list(blocks, 'Your attestations')).toBeUndefined();
    expect(list(blocks, 'Expiring within 14 days')).toContain(`owner <@${READER}>`);
  });

  test('an admin is pointed at the command that records an expired attestation again', async () => {
    await h.store.putAttestation(attestation('FTR-3.4', ADMIN, -1));
    const own = list(await openHome(ADMIN), 'Your attestations')!;
    expect(own).toContain('failing until recorded again (`/ftr attest FTR-3.4`)');
  });

  test('an owner id that is not a Slack user is shown as text, never as a mention', async () => {
    await h.store.putException(exception('bucket', '<!channel>', 2));
    const blocks = await openHome(READER);
    const expiring = list(blocks, 'Expiring within 14 days')!;
    expect(expiring).toContain('owner `&lt;!channel&gt;`');
  });

  test('when the decisions cannot be read, the Home tab still opens with its posture and says so', async () => {
    jest.spyOn(h.store, 'decisions').mockRejectedValue(new Error('the table is gone'));
    const blocks = await openHome(READER);
    const text = JSON.stringify(blocks);
    expect(text).toContain('FTR readiness');
    expect(text).toContain('20 minutes ago');
    expect(text).toContain('Attestations and exceptions cannot be read right now');
    expect(h.logs.some((l) => l.includes('App Home without attestations and exceptions'))).toBe(true);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('with 200 decisions and a large report, the Home view passes Slack’s checks and says how many more there are', async () => {
    const { report } = largeReport({ checks: 200, perCheck: 25, nameLength: 500, refs: requirements().all.map((r) => r.id) });
    await h.store.saveScan(ACCOUNT, { ...report, generatedAt: new Date(Date.now() - 60_000).toISOString() });
    const ids = requirements().all.map((r) => r.id);
    for (const [i, id] of ids.entries()) await h.store.putAttestation(attestation(id, READER, (i % 20) - 5));
    for (let i = 0; i < 200 - ids.length; i += 1) await h.store.putException(exception(`arn:aws:s3:::bucket-${i}-${'x'.repeat(400)}`, OTHER, 1 + (i % 13)));

    const blocks = await openHome(READER);
    expect(validateBlocks(blocks, 'home')).toEqual([]);
    const own = list(blocks, 'Your attestations')!;
    expect(own.match(/^:(x|white_check_mark):/gm)).toHaveLength(HOME_DECISION_LINES);
    // A reader cannot run /ftr attest: no pointer to it.
    expect(own).toContain(`… and ${ids.length - HOME_DECISION_LINES} more.`);
    expect(own).toContain('failing until recorded again by an FTR admin');

    const live = ids.filter((_id, i) => (i % 20) - 5 > 0 && (i % 20) - 5 <= 14).length;
    const expiring = list(await openHome(ADMIN), 'Expiring within 14 days')!;
    expect(expiring.match(/^:hourglass:/gm)).toHaveLength(HOME_DECISION_LINES);
    expect(expiring).toContain(`… and ${live + 200 - ids.length - HOME_DECISION_LINES} more — \`/ftr attest\` lists all.`);
    expect(h.api.allViolations()).toEqual([]);
  });
});

test('homeView with 200 decisions, the large report, a running scan and many commands stays within the limits', () => {
  const { report, checks } = largeReport({ checks: 200, perCheck: 25, nameLength: 500, refs: requirements().all.map((r) => r.id) });
  const commands = Array.from({ length: 2000 }, (_v, i) => ({ name: `c${i}`, usage: `/ftr c${i}`, summary: 'x'.repeat(400), requires: 'read' as const }));
  const now = NOW.getTime();
  const attestations = requirements().all.map((r, i) => ({ ...attestation(r.id, READER, i % 14), expiresAt: inDays(i % 14, now), evidence: 'e'.repeat(3000) }));
  const exceptions = Array.from({ length: 200 - attestations.length }, (_v, i) => exception(`arn:${'r'.repeat(2000)}-${i}`, `U${'9'.repeat(50)}`, 2, now));
  const view = homeView({
    report,
    running: { done: 1, total: 2, startedAt: NOW },
    accountId: ACCOUNT,
    now: NOW,
    isAdmin: true,
    commands,
    checks,
    openAlerts: 3,
    adminsMissing: true,
    decisions: { viewerId: READER, decisions: { attestations, exceptions } },
  });
  expect(validateBlocks(view.blocks, 'home')).toEqual([]);
  const text = JSON.stringify(view.blocks);
  expect(text).toContain('*Your attestations*');
  expect(text).toContain('*Expiring within 14 days*');
  // The commands give way, not the lists.
  expect(textOf(view.blocks.at(-1) as KnownBlock)).toBe('… and more: `/ftr help` lists every command.');
});
