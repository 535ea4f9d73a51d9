import type { HeaderBlock } from '@slack/types';
import { requirementPosture, type RequirementPosture } from '../../../src/core/posture';
import { requirements } from '../../../src/core/requirements';
import type { Status } from '../../../src/core/types';
import type { ResultChange, ScanChanges } from '../../../src/schedule/changes';
import { validateMessage } from '../../../src/slack/blocks/limits';
import { CHANGES_SHOWN, changeCount, changesTruncated, summaryFailedMessage, summaryMessage, type PostureSummary } from '../../../src/slack/blocks/summary';
import type { SlackMessage } from '../../../src/slack/blocks/types';
import { ACCOUNT, allText, check, texts } from './fixtures';

const GENERATED_AT = new Date('2026-05-04T07:03:00.000Z');
const PREVIOUS_AT = new Date('2026-04-27T07:02:00.000Z');
const ALL_IDS = requirements().all.map((r) => r.id);

/** A posture with the first `met` requirements met (of the shipped 62), the first `automated` of them automated. */
function posture(met: number, automated = 40): RequirementPosture {
  const statuses = Object.fromEntries(ALL_IDS.map((id, i) => [id, (i < met ? 'PASS' : 'FAIL') as Status]));
  return requirementPosture(statuses, new Set(ALL_IDS.slice(0, automated)));
}

const checks = [
  check({ id: 'fail_check', refs: ['FTR-10.2'], title: 'Buckets are not public' }),
  check({ id: 'fixed_check', refs: ['FTR-7.1'], title: 'Console users have MFA' }),
  check({ id: 'error_check', refs: ['FTR-6.1'], title: 'CloudTrail logs every region' }),
];

const change = (checkId: string, resource: string, status: Status, fields: Partial<ResultChange> = {}): ResultChange => ({
  checkId,
  refs: checks.find((c) => c.id === checkId)?.refs ?? ['FTR-7.3'],
  region: 'global',
  resource,
  status,
  ...fields,
});

const bucket = (name: string) => `arn:aws:s3:::${name}`;
const noChanges: ScanChanges = { newFailures: [], fixed: [], newErrors: [] };

function summary(fields: Partial<PostureSummary> = {}): PostureSummary {
  return {
    accountId: ACCOUNT,
    generatedAt: GENERATED_AT,
    posture: posture(40),
    previous: { generatedAt: PREVIOUS_AT, posture: posture(40), fromSummary: true },
    changes: noChanges,
    expiringAttestations: [],
    openAlerts: { count: 0, titles: [] },
    checks,
    ...fields,
  };
}

/** The message, checked against Slack's limits: every message must pass. */
function render(fields: Partial<PostureSummary> = {}): SlackMessage {
  const message = summaryMessage(summary(fields));
  expect(validateMessage(message)).toEqual([]);
  return message;
}

const lines = (message: SlackMessage) => allText(message.blocks).split('\n');
const moreLines = (message: SlackMessage) => lines(message).filter((l) => l.startsWith('_…and '));

/** Everything Slack would turn into a mention or a link, other than the date tokens and owner mentions the message makes itself. */
const specials = (text: string) => text.replace(/<!date\^[^>]+>/g, '').replace(/<@U0OWNER\d>/g, '').match(/<[^>]*>/g) ?? [];

describe('summaryMessage', () => {
  it('opens with the account and the requirements met, overall, automated and per section', () => {
    const message = render();
    expect((message.blocks[0] as HeaderBlock).text.text).toBe(`FTR posture summary · ${ACCOUNT}`);
    const text = allText(message.blocks);
    expect(text).toContain('*40 of 62 requirements met* (40 of 40 automated)');
    for (const section of requirements().sections) expect(text).toContain(`*${section.id}*`);
    expect(text).toContain(':white_check_mark: *FTR-1* ');
    expect(text).toMatch(/:small_orange_diamond: \*WAS-IR\* Incident Response: 0\/\d+/);
    expect(message.text).toBe(`FTR posture of ${ACCOUNT}: 40 of 62 requirements met; no changes`);
  });

  describe('without changes', () => {
    it('says so on a single line and lists nothing', () => {
      const message = render();
      const noChange = lines(message).filter((l) => l.includes('No change'));
      expect(noChange).toEqual([expect.stringMatching(/^:zzz: No change since the previous summary \(<!date\^\d+\^[^>]+>\): no new failures, nothing fixed, no new errors\.$/)]);
      const text = allText(message.blocks);
      expect(text).not.toMatch(/New failures|\*:white_check_mark: Fixed|New errors|What changed/);
      expect(lines(message).filter((l) => l.startsWith('• '))).toEqual([]);
    });

    it('says what it compared with: the previous scan, or nothing yet', () => {
      expect(allText(render({ previous: { generatedAt: PREVIOUS_AT, posture: posture(40), fromSummary: false } }).blocks)).toContain('No change since the previous scan (');
      expect(allText(render({ previous: undefined }).blocks)).toContain('No change yet: this is the first scan');
    });
  });

  describe('with changes', () => {
    const many = (count: number, checkId: string, status: Status, fields: Partial<ResultChange> = {}) =>
      Array.from({ length: count }, (_v, i) => change(checkId, bucket(`${checkId}-${String(i).padStart(2, '0')}`), status, fields));

    const changes: ScanChanges = {
      newFailures: many(12, 'fail_check', 'FAIL', { previous: 'PASS' }),
      fixed: [change('fixed_check', `arn:aws:iam::${ACCOUNT}:user/alice`, 'PASS'), { ...change('fixed_check', `arn:aws:iam::${ACCOUNT}:user/bob`, 'FAIL'), gone: true }],
      newErrors: many(CHANGES_SHOWN, 'error_check', 'ERROR', { region: 'eu-west-1' }),
    };

    it('titles each list with its count', () => {
      const text = allText(render({ changes }).blocks);
      expect(text).toContain('*What changed since the previous summary (');
      expect(text).toContain('*:red_circle: New failures (12)*');
      expect(text).toContain('*:white_check_mark: Fixed (2)*');
      expect(text).toContain(`*:warning: New errors (could not be evaluated) (${CHANGES_SHOWN})*`);
      expect(text).not.toContain('No change');
    });

    it(`shows at most ${CHANGES_SHOWN} lines per list and says how many more are in the thread`, () => {
      const message = render({ changes });
      const shown = (checkId: string) => lines(message).filter((l) => l.startsWith('• ') && l.includes(checkId));
      expect(shown('fail_check-')).toHaveLength(CHANGES_SHOWN);
      expect(shown('fail_check-').at(-1)).toContain(`fail_check-${String(CHANGES_SHOWN - 1).padStart(2, '0')}`);
      expect(shown('error_check-')).toHaveLength(CHANGES_SHOWN);
      // Only the cut list says more: exactly CHANGES_SHOWN new errors are all shown.
      expect(moreLines(message)).toEqual(['_…and 4 more in the thread_']);
      expect(changesTruncated(changes)).toBe(true);
      expect(changesTruncated({ ...changes, newFailures: changes.newFailures.slice(0, CHANGES_SHOWN) })).toBe(false);
      expect(changeCount(changes)).toBe(12 + 2 + CHANGES_SHOWN);
    });

    it.each([
      [CHANGES_SHOWN + 1, '_…and 1 more in the thread_'],
      [CHANGES_SHOWN + 1000, '_…and 1,000 more in the thread_'],
    ])('says how many more for %i changes', (count, more) => {
      const message = render({ changes: { ...noChanges, fixed: many(count, 'fixed_check', 'PASS') } });
      expect(moreLines(message)).toEqual([more]);
      expect(allText(message.blocks)).toContain(`*:white_check_mark: Fixed (${count.toLocaleString('en-US')})*`);
    });

    it('names each change by requirement, check title, resource and region', () => {
      const text = allText(render({ changes }).blocks);
      expect(text).toContain('• `FTR-10.2` Buckets are not public: `fail_check-00`');
      expect(text).toContain('• `FTR-7.1` Console users have MFA: `user/alice`');
      expect(text).toContain('• `FTR-7.1` Console users have MFA: `user/bob` _(resource gone)_');
      expect(text).toContain('• `FTR-6.1` CloudTrail logs every region: `error_check-00` (eu-west-1)');
    });

    it('falls back to the requirement for a check it does not know', () => {
      const text = allText(render({ changes: { ...noChanges, newFailures: [change('new_check', 'account', 'FAIL', { refs: ['FTR-7.3'] })] } }).blocks);
      expect(text).toContain('• `FTR-7.3` Strong password policy: `account`');
    });

    it('counts the changes in the notification text', () => {
      expect(render({ changes }).text).toBe(`FTR posture of ${ACCOUNT}: 40 of 62 requirements met; 12 new failures, 2 fixed, ${CHANGES_SHOWN} new errors`);
    });

    it('escapes resource names and regions from AWS', () => {
      const hostile = ['<!channel>', '*bold* & more', '<http://x|y>', '<@U0123ABCD>', '@here'];
      const message = render({
        changes: {
          newFailures: hostile.map((name) => change('fail_check', bucket(name), 'FAIL')),
          fixed: [change('fixed_check', '<!here>', 'PASS', { region: '<!channel>*eu*' })],
          newErrors: [change('error_check', 'a&b', 'ERROR', { region: 'eu-<http://x|y>' })],
        },
      });
      const text = allText(message.blocks);
      expect(specials(text)).toEqual([]);
      expect(specials(message.text)).toEqual([]);
      expect(text).toContain('`&lt;!channel&gt;`');
      expect(text).toContain('`&lt;http://x|y&gt;`');
      expect(text).toContain('`*bold* &amp; more`');
      expect(text).toContain('`a&amp;b`');
      expect(text).toContain('(&lt;!channel&gt;∗eu∗)');
      expect(text).not.toMatch(/(^|[^\u200B])@here/m);
    });

    it('stays within Slack limits with very long resource names in every list', () => {
      const long = (checkId: string, status: Status) => many(50, checkId, status).map((c) => ({ ...c, resource: `${c.resource}-${'n'.repeat(3000)}` }));
      const message = render({ changes: { newFailures: long('fail_check', 'FAIL'), fixed: long('fixed_check', 'PASS'), newErrors: long('error_check', 'ERROR') } });
      expect(lines(message).filter((l) => l.startsWith('• '))).toHaveLength(3 * CHANGES_SHOWN);
    });
  });

  describe('expiring attestations', () => {
    it('are left out when there are none', () => {
      expect(allText(render({ expiringAttestations: [] }).blocks)).not.toContain('Attestations expiring');
    });

    it('are listed with their owner when there are some', () => {
      const text = allText(
        render({
          expiringAttestations: [
            { requirementId: 'FTR-9.1', owner: 'U0OWNER1', expiresAt: new Date('2026-05-10T00:00:00Z') },
            { requirementId: 'FTR-11.1', expiresAt: new Date('2026-05-12T00:00:00Z') },
          ],
        }).blocks,
      );
      expect(text).toContain('*:hourglass: Attestations expiring within 14 days (2)*');
      expect(text).toMatch(/• `FTR-9\.1` expires <!date\^1778371200\^[^>]+> \(owner <@U0OWNER1>\)/);
      expect(text).toMatch(/• `FTR-11\.1` expires <!date\^1778544000\^[^>]+>$/m);
    });
  });

  describe('unacknowledged alerts', () => {
    it('are said to be unknown when the store could not be read', () => {
      const text = allText(render({ openAlerts: undefined }).blocks);
      expect(text).toContain('Unacknowledged alerts unknown');
      expect(text).not.toContain('No unacknowledged alerts');
    });

    it('are said to be none when there are none', () => {
      const text = allText(render({ openAlerts: { count: 0, titles: [] } }).blocks);
      expect(text).toContain(':white_check_mark: No unacknowledged alerts.');
      expect(text).not.toContain('unknown');
    });

    it('are counted, with the oldest and the first few titles, escaped', () => {
      const titles = ['<!channel> root login', '*Crypto* mining & more', 'Probe from <http://x|y>', 'Fourth alert'];
      const message = render({ openAlerts: { count: 5, oldestSince: new Date('2026-05-01T00:00:00Z'), titles } });
      const text = allText(message.blocks);
      expect(text).toMatch(/\*:rotating_light: 5 alerts still unacknowledged, the oldest since <!date\^1777593600\^[^>]+>\*/);
      expect(text).toContain('• &lt;!channel&gt; root login');
      expect(text).toContain('• ∗Crypto∗ mining &amp; more');
      expect(text).toContain('• Probe from &lt;http://x|y&gt;');
      expect(text).not.toContain('Fourth alert');
      expect(specials(text)).toEqual([]);
    });

    it('say "1 alert" for one, without an oldest date when it is not known', () => {
      const text = allText(render({ openAlerts: { count: 1, titles: ['Only one'] } }).blocks);
      expect(text).toContain('*:rotating_light: 1 alert still unacknowledged*');
    });
  });

  describe('the direction since the previous summary', () => {
    const postureLine = (message: SlackMessage) => texts(message.blocks)[1];

    it('points up when more requirements are met', () => {
      expect(postureLine(render({ posture: posture(43), previous: { generatedAt: PREVIOUS_AT, posture: posture(40), fromSummary: true } }))).toMatch(
        /^\*43 of 62 requirements met\* \(40 of 40 automated\) · :arrow_up: 3 more since <!date\^1777273320\^[^>]+>$/,
      );
    });

    it('points down when fewer are met', () => {
      expect(postureLine(render({ posture: posture(38), previous: { generatedAt: PREVIOUS_AT, posture: posture(40), fromSummary: true } }))).toContain(
        ' · :arrow_down: 2 fewer since <!date^',
      );
    });

    it('says no change when as many are met', () => {
      const line = postureLine(render());
      expect(line).toContain(' · no change since <!date^');
      expect(line).not.toMatch(/arrow/);
    });

    it('is left out without a previous scan', () => {
      expect(postureLine(render({ previous: undefined }))).toBe('*40 of 62 requirements met* (40 of 40 automated)');
    });
  });
});

describe('summaryFailedMessage', () => {
  it('says the summary could not be made, for which account, and why', () => {
    const message = summaryFailedMessage({ accountId: ACCOUNT, reason: 'no AWS credentials found' });
    expect(validateMessage(message)).toEqual([]);
    expect(allText(message.blocks)).toBe(`:x: *The scheduled FTR posture summary of \`${ACCOUNT}\` could not be made.*\nno AWS credentials found`);
    expect(message.text).toBe('The FTR posture summary could not be made: no AWS credentials found');
  });

  it('leaves the account out when it is not known', () => {
    expect(allText(summaryFailedMessage({ reason: 'x' }).blocks)).toContain('*The scheduled FTR posture summary could not be made.*');
  });

  it('escapes the reason, in the blocks and in the notification text', () => {
    const message = summaryFailedMessage({ accountId: ACCOUNT, reason: 'cannot start the scan: <!channel> *now* & <http://x|y>' });
    expect(validateMessage(message)).toEqual([]);
    expect(allText(message.blocks)).toContain('cannot start the scan: &lt;!channel&gt; ∗now∗ &amp; &lt;http://x|y&gt;');
    expect(specials(allText(message.blocks))).toEqual([]);
    expect(specials(message.text)).toEqual([]);
  });
});
