import type { HomeView, KnownBlock } from '@slack/types';
import { DAY_MS, decisionState, expiringSoon, type Attestation, type Decisions, type ResourceException } from '../../core/decisions';
import { requirements } from '../../core/requirements';
import type { Check } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import { plural } from './format';
import { commandLines, NAME_ADMINS_HINT } from './commands';
import { LIMITS } from './limits';
import { actions, button, context, divider, header, packSections, section } from './kit';
import { userMention } from './results';
import { progressLine, RESCAN_ACTION_ID, statusMessage } from './status';
import type { CommandSummary, ScanProgressView } from './types';

/** Decisions expiring within this many days are listed on everyone's Home. */
export const HOME_EXPIRING_DAYS = 14;
/** Lines per list of attestations and exceptions; the rest is counted. */
export const HOME_DECISION_LINES = 10;

/** The account's attestations and exceptions and whose Home shows them, or that the store could not be read. */
export type HomeDecisions = { viewerId: string; decisions: Decisions } | 'unreadable';

const day = (iso: string): string => iso.slice(0, 10);

function requirementLabel(requirementId: string): string {
  return `*${escapeMrkdwn(requirementId)}* ${escapeMrkdwn(truncate(requirements().byId.get(requirementId)?.short ?? '', 120))}`.trim();
}

function daysLeft(expiresAt: string, now: Date): string {
  return `in ${plural(Math.max(1, Math.ceil((Date.parse(expiresAt) - now.getTime()) / DAY_MS)), 'day')}`;
}

function ownLine(attestation: Attestation, now: Date, isAdmin: boolean): string {
  const label = requirementLabel(attestation.requirementId);
  if (decisionState(attestation, now) === 'active') return `:white_check_mark: ${label} — until ${day(attestation.expiresAt)}`;
  const how = isAdmin ? ` (${codeSpan(`/ftr attest ${attestation.requirementId}`)})` : ' by an FTR admin';
  return `:x: ${label} — expired on ${day(attestation.expiresAt)}: failing until recorded again${how}`;
}

function expiringLine(decision: Attestation | ResourceException, now: Date): string {
  const what =
    'requirementId' in decision
      ? `${requirementLabel(decision.requirementId)}: attestation`
      : `${codeSpan(decision.checkId)} on ${codeSpan(truncate(decision.resource, 120))}: exception`;
  return `:hourglass: ${what} expires ${day(decision.expiresAt)} (${daysLeft(decision.expiresAt, now)}), owner ${userMention(decision.owner)}`;
}

/** A titled list of at most HOME_DECISION_LINES lines, then how many more (and, for admins, where all are); nothing when empty. */
function listBlocks(title: string, lines: readonly string[], isAdmin: boolean): KnownBlock[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, HOME_DECISION_LINES);
  const more = lines.length - shown.length;
  const moreLine = `… and ${more} more${isAdmin ? ' — `/ftr attest` lists all' : ''}.`;
  return [divider(), ...packSections([`*${title}*`, ...shown]), ...(more > 0 ? [context(moreLine)] : [])];
}

/**
 * The viewer's own attestations that are not revoked (expired ones first: they fail the
 * requirement now), and every attestation and exception of the account that expires soon.
 */
function decisionBlocks(home: HomeDecisions, now: Date, isAdmin: boolean): KnownBlock[] {
  if (home === 'unreadable') return [context(':warning: Attestations and exceptions cannot be read right now; they are listed here again once the store answers.')];
  const { viewerId, decisions } = home;
  const own = decisions.attestations
    .filter((a) => a.owner === viewerId && a.revokedAt === undefined)
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const expiring = [...expiringSoon(decisions.attestations, now, HOME_EXPIRING_DAYS), ...expiringSoon(decisions.exceptions, now, HOME_EXPIRING_DAYS)].sort((a, b) =>
    a.expiresAt.localeCompare(b.expiresAt),
  );
  return [
    ...listBlocks('Your attestations', own.map((a) => ownLine(a, now, isAdmin)), isAdmin),
    ...listBlocks(`Expiring within ${HOME_EXPIRING_DAYS} days`, expiring.map((d) => expiringLine(d, now)), isAdmin),
  ];
}

/**
 * The App Home: the scan in progress, the latest posture (as `/ftr status` shows it, with
 * Re-scan for admins when no scan runs), the viewer's attestations and what expires soon, and
 * the commands the viewer may use (these give way when the view runs out of blocks).
 */
export function homeView(input: {
  report?: ScanReport;
  running?: ScanProgressView;
  accountId?: string;
  now: Date;
  isAdmin: boolean;
  commands: readonly CommandSummary[];
  checks?: readonly Check[];
  /** Unacknowledged alerts; undefined when unknown. */
  openAlerts?: number;
  /** No admins are configured: say how to name them. */
  adminsMissing?: boolean;
  /** The account's attestations and exceptions; absent when the account is unknown. */
  decisions?: HomeDecisions;
}): HomeView {
  const accountId = input.accountId ?? input.report?.accounts[0];
  const canRescan = input.isAdmin && !input.running && accountId !== undefined;
  const progress: KnownBlock[] = input.running
    ? [
        section(`:hourglass_flowing_sand: *Scan in progress*${accountId ? ` for ${codeSpan(accountId)}` : ''}: ${input.running.done}/${input.running.total} checks`),
        context(progressLine(input.running, input.now)),
      ]
    : [];
  const blocks: KnownBlock[] = [];
  if (input.report && accountId) {
    const [title, provenance, ...status] = statusMessage({ report: input.report, now: input.now, accountId, canRescan, checks: input.checks }).blocks;
    blocks.push(title, provenance, ...progress, ...status);
  } else {
    blocks.push(header('FTR readiness'), ...progress);
    blocks.push(section(input.running ? 'The first scan is running; results appear here when it finishes.' : 'No scan yet.'));
    if (canRescan) blocks.push(actions([button({ text: ':mag: Scan now', actionId: RESCAN_ACTION_ID, value: accountId, style: 'primary' })]));
  }
  if (input.openAlerts !== undefined) {
    blocks.push(
      context(
        input.openAlerts === 0
          ? ':white_check_mark: No unacknowledged alerts.'
          : `:bell: *${plural(input.openAlerts, 'unacknowledged alert')}*: \`/ftr alerts\` lists them, oldest first.`,
      ),
    );
  }
  if (input.adminsMissing) blocks.push(context(`:lock: Nobody may start scans from Slack yet. ${NAME_ADMINS_HINT}`));
  if (input.decisions) blocks.push(...decisionBlocks(input.decisions, input.now, input.isAdmin));
  const commands = input.commands.filter((c) => input.isAdmin || c.requires === 'read');
  if (commands.length > 0) {
    const lines = packSections(commandLines(commands));
    const room = LIMITS.homeBlocks - blocks.length - 2;
    blocks.push(divider(), section('*Commands*'));
    if (lines.length <= room) blocks.push(...lines);
    else blocks.push(...lines.slice(0, room - 1), context('… and more: `/ftr help` lists every command.'));
  }
  return { type: 'home', blocks };
}
