import type { HomeView, KnownBlock } from '@slack/types';
import type { Check } from '../../core/types';
import type { ScanReport } from '../../engine/scan';
import { codeSpan } from '../mrkdwn';
import { plural } from './format';
import { commandLines, NAME_ADMINS_HINT } from './commands';
import { LIMITS } from './limits';
import { actions, button, context, divider, header, packSections, section } from './kit';
import { progressLine, RESCAN_ACTION_ID, statusMessage } from './status';
import type { CommandSummary, ScanProgressView } from './types';

/**
 * The App Home: the scan in progress, the latest posture (as `/ftr status` shows it, with
 * Re-scan for admins when no scan runs), and the commands the viewer may use.
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
