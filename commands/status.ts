import type { SlashCommand } from '../src/slack/command';
import { showStatusForCommand } from '../src/slack/status';

/** `/ftr status [section]`: the posture per section, from a recent scan or a new one. */
export const status: SlashCommand = {
  name: 'status',
  usage: '/ftr status [account] [section]',
  summary: 'FTR readiness per section, with the most important failures; with several accounts, all of them worst first, or one by id or alias. Scans first when the last scan is old (admins).',
  requires: 'read',
  run: async (ctx) => showStatusForCommand(ctx, { force: false, canScan: await ctx.may('scan') }),
};
