import type { KnownBlock } from '@slack/types';
import type { RequirementPosture } from '../../core/posture';
import type { Check, RequirementId } from '../../core/types';
import type { ResultChange, ScanChanges } from '../../schedule/changes';
import { codeSpan, escapeMrkdwn } from '../mrkdwn';
import { checkTitle, countChange, plural, resourceName, slackDate } from './format';
import { context, divider, header, packSections, section } from './kit';
import type { SlackMessage } from './types';

/** How many entries of each change list the message shows; the rest go to the thread's file. */
export const CHANGES_SHOWN = 8;
const ALERTS_SHOWN = 3;

export interface ExpiringAttestation {
  requirementId: RequirementId;
  /** Slack user id. */
  owner?: string;
  expiresAt: Date;
}

export interface OpenAlertsSummary {
  count: number;
  oldestSince?: Date;
  /** Titles of the oldest few, as AWS wrote them (escaped here). */
  titles: string[];
}

/** Everything one periodic summary says about one account. */
export interface PostureSummary {
  accountId: string;
  generatedAt: Date;
  posture: RequirementPosture;
  /** What the changes are measured against: the previous summary's scan, or else the scan before this one. */
  previous?: { generatedAt: Date; posture: RequirementPosture; fromSummary: boolean };
  changes: ScanChanges;
  expiringAttestations: readonly ExpiringAttestation[];
  /** Absent when the alert store could not be read. */
  openAlerts?: OpenAlertsSummary;
  checks: readonly Check[];
}

export function changeCount(changes: ScanChanges): number {
  return changes.newFailures.length + changes.fixed.length + changes.newErrors.length;
}

/** True when some change list is longer than the message shows: the full list then goes to the thread. */
export function changesTruncated(changes: ScanChanges): boolean {
  return [changes.newFailures, changes.fixed, changes.newErrors].some((list) => list.length > CHANGES_SHOWN);
}

function changeLine(change: Pick<ResultChange, 'checkId' | 'refs' | 'region' | 'resource'>, checks: readonly Check[]): string {
  const where = change.region === 'global' ? '' : ` (${escapeMrkdwn(change.region)})`;
  return `• ${change.refs.map(codeSpan).join(' ')} ${checkTitle(checks, change.checkId, change.refs)}: ${resourceName(change.resource)}${where}`;
}

function changeList(title: string, list: readonly (Pick<ResultChange, 'checkId' | 'refs' | 'region' | 'resource'> & { gone?: true })[], checks: readonly Check[]): KnownBlock[] {
  if (list.length === 0) return [];
  const lines = list.slice(0, CHANGES_SHOWN).map((c) => `${changeLine(c, checks)}${c.gone ? ' _(resource gone)_' : ''}`);
  const more = list.length - CHANGES_SHOWN;
  if (more > 0) lines.push(`_…and ${more.toLocaleString('en-US')} more in the thread_`);
  return packSections([`*${title} (${list.length.toLocaleString('en-US')})*`, ...lines]);
}

function postureLine(summary: PostureSummary): string {
  const { posture, previous } = summary;
  const since = previous ? ` · ${countChange(posture.met, previous.posture.met)} since ${slackDate(previous.generatedAt)}` : '';
  return `*${posture.met} of ${posture.total} requirements met* (${posture.automatedMet} of ${posture.automatedTotal} automated)${since}`;
}

function sectionLines(posture: RequirementPosture): string[] {
  return posture.sections.map((s) => `${s.met === s.total ? ':white_check_mark:' : ':small_orange_diamond:'} *${escapeMrkdwn(s.id)}* ${escapeMrkdwn(s.title)}: ${s.met}/${s.total}`);
}

function changeBlocks(summary: PostureSummary): KnownBlock[] {
  const { changes, previous, checks } = summary;
  const against = previous ? `since ${previous.fromSummary ? 'the previous summary' : 'the previous scan'} (${slackDate(previous.generatedAt)})` : 'yet: this is the first scan';
  if (changeCount(changes) === 0) return [section(`:zzz: No change ${against}: no new failures, nothing fixed, no new errors.`)];
  return [
    section(`*What changed ${against}*`),
    ...changeList(':red_circle: New failures', changes.newFailures, checks),
    ...changeList(':white_check_mark: Fixed', changes.fixed, checks),
    ...changeList(':warning: New errors (could not be evaluated)', changes.newErrors, checks),
  ];
}

/** A mention of a Slack user id; anything that is not one is shown as text, never as markup. */
function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : codeSpan(userId);
}

function attestationBlocks(expiring: readonly ExpiringAttestation[]): KnownBlock[] {
  if (expiring.length === 0) return [];
  const lines = expiring.map((a) => `• ${codeSpan(a.requirementId)} expires ${slackDate(a.expiresAt)}${a.owner ? ` (owner ${userMention(a.owner)})` : ''}`);
  return packSections([`*:hourglass: Attestations expiring within 14 days (${expiring.length})*`, ...lines]);
}

function alertBlocks(alerts: OpenAlertsSummary | undefined): KnownBlock[] {
  if (!alerts) return [context(':grey_question: Unacknowledged alerts unknown: the alert store could not be read.')];
  if (alerts.count === 0) return [context(':white_check_mark: No unacknowledged alerts.')];
  const oldest = alerts.oldestSince ? `, the oldest since ${slackDate(alerts.oldestSince)}` : '';
  const titles = alerts.titles.slice(0, ALERTS_SHOWN).map((t) => `• ${escapeMrkdwn(t)}`);
  return packSections([`*:rotating_light: ${plural(alerts.count, 'alert')} still unacknowledged${oldest}*`, ...titles]);
}

/**
 * A periodic posture summary: requirements met (of all and of the automated ones), per section,
 * what changed since the previous summary, attestations about to expire and alerts nobody has
 * acknowledged. Long change lists are cut; the service attaches the full list to the thread.
 */
export function summaryMessage(summary: PostureSummary): SlackMessage {
  const { posture, changes } = summary;
  const blocks: KnownBlock[] = [
    header(`FTR posture summary · ${summary.accountId}`),
    section(postureLine(summary)),
    ...packSections(sectionLines(posture)),
    divider(),
    ...changeBlocks(summary),
    ...attestationBlocks(summary.expiringAttestations),
    ...alertBlocks(summary.openAlerts),
    context(`Scan of ${codeSpan(summary.accountId)} finished ${slackDate(summary.generatedAt)} · the trend chart is in the thread`),
  ];
  const counts = changeCount(changes) === 0 ? 'no changes' : `${changes.newFailures.length} new failures, ${changes.fixed.length} fixed, ${changes.newErrors.length} new errors`;
  return { text: `FTR posture of ${summary.accountId}: ${posture.met} of ${posture.total} requirements met; ${counts}`, blocks };
}

/** The message posted instead when the summary's scan could not run. */
export function summaryFailedMessage(input: { accountId?: string; reason: string }): SlackMessage {
  const what = input.accountId ? ` of ${codeSpan(input.accountId)}` : '';
  return {
    text: `The FTR posture summary could not be made: ${escapeMrkdwn(input.reason)}`,
    blocks: [section(`:x: *The scheduled FTR posture summary${what} could not be made.*\n${escapeMrkdwn(input.reason)}`)],
  };
}
