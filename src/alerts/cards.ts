import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import type { AlertSeverity } from '../config/alerts';
import type { AlertRecord } from '../store';
import { actions, button, context, section } from '../slack/blocks/kit';
import { LIMITS } from '../slack/blocks/limits';
import { plural, slackDate } from '../slack/blocks/format';
import type { SlackMessage } from '../slack/blocks';
import { codeSpan, escapeMrkdwn, truncate } from '../slack/mrkdwn';
import type { Runbook } from '../slack/runbooks';

/** Button action ids of alert cards. */
export const ALERT_ACTIONS = {
  acknowledge: 'ftr_alert_ack',
  resolve: 'ftr_alert_resolve',
  acknowledgeDigest: 'ftr_alert_ack_all',
  resolveDigest: 'ftr_alert_resolve_all',
  showDigest: 'ftr_alert_digest_page',
  runbook: 'ftr_alert_runbook',
  console: 'ftr_alert_console',
} as const;

const SEVERITY_EMOJI: Record<AlertSeverity, string> = { critical: ':red_circle:', high: ':large_orange_circle:', medium: ':large_yellow_circle:', low: ':white_circle:' };
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
/** Digest items listed on the card itself; the rest are one button away. */
const DIGEST_ITEMS_SHOWN = 5;
/** Digest items per page of "Show all". */
export const DIGEST_PAGE_SIZE = 40;

/** A Slack user id as a mention; anything else (e.g. `ftr-bot`, `aws`) as plain text. */
function who(actor: string): string {
  return SLACK_USER.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

function severityLabel(severity: AlertSeverity): string {
  return `${SEVERITY_EMOJI[severity]} *${severity.toUpperCase()}*`;
}

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, LIMITS.fieldText) };
}

function fields(items: Array<{ type: 'mrkdwn'; text: string }>): SectionBlock {
  return { type: 'section', fields: items.slice(0, LIMITS.sectionFields) };
}

function resourceText(record: AlertRecord): string {
  const { resource } = record.alert;
  const detail = resource.detail ? ` (${escapeMrkdwn(truncate(resource.detail, 200))})` : '';
  return `${resource.kind} ${codeSpan(truncate(resource.id, 300))}${detail}`;
}

/** One line saying where the alert stands. */
function stateLine(record: AlertRecord): string {
  if (record.state === 'resolved') {
    const by = record.resolvedBy ? ` by ${who(record.resolvedBy)}` : '';
    return `:white_check_mark: *Resolved*${by}${record.resolvedAt ? ` ${slackDate(new Date(record.resolvedAt))}` : ''}`;
  }
  if (record.state === 'acknowledged') {
    return `:eyes: *Acknowledged* by ${who(record.acknowledgedBy ?? 'someone')}${record.acknowledgedAt ? ` ${slackDate(new Date(record.acknowledgedAt))}` : ''}`;
  }
  const escalated = record.escalations > 0 ? ` · escalated ${plural(record.escalations, 'time')}` : '';
  return `:bell: *Open*, not acknowledged${escalated}`;
}

function runbookButton(runbook: Runbook | undefined): Button[] {
  return runbook ? [button({ text: ':book: Runbook', actionId: ALERT_ACTIONS.runbook, value: runbook.name })] : [];
}

function consoleButton(url: string | undefined): Button[] {
  if (!url || url.length > LIMITS.buttonUrl || !/^https:\/\//.test(url)) return [];
  return [{ ...button({ text: 'Open in AWS console', actionId: ALERT_ACTIONS.console }), url }];
}

/** The card of one alert: what happened, where, since when, and what to do (Acknowledge → Resolve). */
export function alertCard(record: AlertRecord, runbook?: Runbook): SlackMessage {
  const { alert } = record;
  const drill = record.drillId || alert.drill ? ' · :test_tube: *DRILL*' : '';
  const title = escapeMrkdwn(truncate(alert.title.replace(/\s+/g, ' ').trim(), 500));
  const seen =
    alert.count > 1
      ? `${slackDate(new Date(alert.lastSeen))} (${plural(alert.count, 'time')} since ${slackDate(new Date(alert.firstSeen))})`
      : slackDate(new Date(alert.lastSeen));
  const blocks: KnownBlock[] = [
    section(`${severityLabel(alert.severity)}${drill} · ${title}`),
    fields([
      field('Type', codeSpan(truncate(alert.type, 200))),
      field('Resource', resourceText(record)),
      field('Account', codeSpan(alert.accountId)),
      field('Region', codeSpan(alert.region)),
      field('First seen', slackDate(new Date(alert.firstSeen))),
      field('Last seen', seen),
    ]),
  ];
  if (alert.description) blocks.push(context(escapeMrkdwn(truncate(alert.description.replace(/\s+/g, ' ').trim(), 600))));
  blocks.push(context(stateLine(record)));
  const stateButton =
    record.state === 'open'
      ? [button({ text: 'Acknowledge', actionId: ALERT_ACTIONS.acknowledge, value: record.key, style: 'primary' })]
      : record.state === 'acknowledged'
        ? [button({ text: 'Resolve', actionId: ALERT_ACTIONS.resolve, value: record.key })]
        : [];
  const buttons = [...stateButton, ...runbookButton(runbook), ...consoleButton(alert.consoleUrl)];
  if (buttons.length > 0) blocks.push(actions(buttons));
  return {
    text: truncate(`${alert.severity.toUpperCase()}${record.drillId ? ' DRILL' : ''}: ${escapeMrkdwn(alert.title)} (${alert.accountId} / ${alert.region})`, 300),
    blocks,
  };
}

/** What the alerts of a digest have in common, for its title. */
function digestTitle(members: readonly AlertRecord[]): string {
  const [first] = members;
  return `${plural(members.length, 'alert')} ${codeSpan(truncate(first.alert.type, 150))} in ${codeSpan(first.alert.accountId)} / ${codeSpan(first.alert.region)}`;
}

function worstSeverity(members: readonly AlertRecord[]): AlertSeverity {
  const order: AlertSeverity[] = ['critical', 'high', 'medium', 'low'];
  return order.find((s) => members.some((m) => m.alert.severity === s)) ?? 'low';
}

function digestItem(record: AlertRecord): string {
  const state = record.state === 'open' ? '' : record.state === 'acknowledged' ? ' · acknowledged' : ' · resolved';
  return `• ${resourceText(record)} · ${slackDate(new Date(record.alert.lastSeen))}${record.alert.count > 1 ? ` · ×${record.alert.count}` : ''}${state}`;
}

/**
 * One card for many alerts of one account, region and finding type, posted when a channel's
 * alerts arrive faster than Slack lets the bot post them. Every alert stays reachable ("Show all")
 * and can be acknowledged at once.
 */
export function digestCard(input: { digestId: string; members: readonly AlertRecord[]; runbook?: Runbook }): SlackMessage {
  const { digestId, members } = input;
  const counts = { open: 0, acknowledged: 0, resolved: 0 };
  for (const m of members) counts[m.state] += 1;
  const first = members.reduce((a, m) => (m.alert.firstSeen < a ? m.alert.firstSeen : a), members[0].alert.firstSeen);
  const last = members.reduce((a, m) => (m.alert.lastSeen > a ? m.alert.lastSeen : a), members[0].alert.lastSeen);
  const drill = members.some((m) => m.drillId) ? ' · :test_tube: *DRILL*' : '';
  const shown = members.slice(0, DIGEST_ITEMS_SHOWN).map(digestItem);
  const more = members.length - shown.length;
  const blocks: KnownBlock[] = [
    section(`${severityLabel(worstSeverity(members))}${drill} · ${digestTitle(members)}, grouped because they arrived faster than Slack allows posting`),
    section([...shown, ...(more > 0 ? [`… and ${plural(more, 'more alert')}: *Show all* lists them.`] : [])].join('\n')),
    context(`${counts.open} open · ${counts.acknowledged} acknowledged · ${counts.resolved} resolved · first seen ${slackDate(new Date(first))} · last seen ${slackDate(new Date(last))}`),
  ];
  const buttons: Button[] = [];
  if (counts.open > 0) buttons.push(button({ text: 'Acknowledge all', actionId: ALERT_ACTIONS.acknowledgeDigest, value: digestId, style: 'primary' }));
  else if (counts.acknowledged > 0) buttons.push(button({ text: 'Resolve all', actionId: ALERT_ACTIONS.resolveDigest, value: digestId }));
  buttons.push(button({ text: 'Show all', actionId: ALERT_ACTIONS.showDigest, value: `${digestId}|0` }));
  buttons.push(...runbookButton(input.runbook));
  blocks.push(actions(buttons));
  return { text: truncate(`${members.length} alerts: ${escapeMrkdwn(members[0].alert.type)} (${members[0].alert.accountId} / ${members[0].alert.region})`, 300), blocks };
}

/** One page of a digest's alerts, for the person who asked. */
export function digestPage(input: { digestId: string; members: readonly AlertRecord[]; page: number }): SlackMessage {
  const { members, digestId } = input;
  const pages = Math.max(1, Math.ceil(members.length / DIGEST_PAGE_SIZE));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const items = members.slice(page * DIGEST_PAGE_SIZE, (page + 1) * DIGEST_PAGE_SIZE).map((m) => `${digestItem(m)} · ${escapeMrkdwn(truncate(m.alert.title, 120))}`);
  const blocks: KnownBlock[] = [section(`${digestTitle(members)} — page ${page + 1} of ${pages}`)];
  for (let i = 0; i < items.length; i += 10) blocks.push(section(items.slice(i, i + 10).join('\n')));
  const nav: Button[] = [];
  if (page > 0) nav.push(button({ text: '← Previous', actionId: ALERT_ACTIONS.showDigest, value: `${digestId}|${page - 1}` }));
  if (page < pages - 1) nav.push(button({ text: 'Next →', actionId: ALERT_ACTIONS.showDigest, value: `${digestId}|${page + 1}` }));
  if (nav.length > 0) blocks.push(actions(nav));
  return { text: `Alerts of the digest, page ${page + 1} of ${pages}`, blocks };
}

/** A thread reply under a card (an update, an escalation): AWS text escaped. */
export function noteReply(text: string): SlackMessage {
  const escaped = escapeMrkdwn(truncate(text, 1000));
  return { text: escaped, blocks: [section(escaped)] };
}

/** The escalation reply: the on-call group mentioned, once per due escalation. */
export function escalationReply(input: { mention: string; minutes: number; title: string; count?: number }): SlackMessage {
  const what = input.count && input.count > 1 ? `${plural(input.count, 'alert')} on this card are` : `${escapeMrkdwn(truncate(input.title, 300))} is`;
  const text = `:rotating_light: <!subteam^${input.mention}> ${what} still not acknowledged after ${plural(Math.round(input.minutes), 'minute')}.`;
  return { text, blocks: [section(text)] };
}

/** `/ftr alerts`: the open, unacknowledged alerts, oldest first. */
export function openAlertsMessage(input: { records: readonly AlertRecord[]; total: number }): SlackMessage {
  const { records, total } = input;
  if (total === 0) return { text: 'No unacknowledged alerts', blocks: [section(':white_check_mark: No unacknowledged alerts.')] };
  const lines = records.map((r) => {
    const where = r.channel ? ` · in <#${r.channel}>` : ' · not posted';
    return `${SEVERITY_EMOJI[r.alert.severity]} ${escapeMrkdwn(truncate(r.alert.title, 160))} · ${codeSpan(r.alert.accountId)} / ${codeSpan(r.alert.region)} · since ${slackDate(new Date(r.createdAt))}${where}`;
  });
  const blocks: KnownBlock[] = [section(`:bell: *${plural(total, 'unacknowledged alert')}*, oldest first`)];
  for (let i = 0; i < lines.length && blocks.length < LIMITS.messageBlocks - 1; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  if (total > records.length) blocks.push(context(`… and ${plural(total - records.length, 'more')}.`));
  return { text: `${total} unacknowledged alerts`, blocks };
}
