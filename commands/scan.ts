import type { SlashCommand } from '../src/slack/command';
import { showStatusForCommand } from '../src/slack/status';

/** `/ftr scan [section]`: like status, but always with fresh data (joins a scan already running). */
export const scan: SlashCommand = {
  name: 'scan',
  usage: '/ftr scan [account] [section]',
  summary: 'Scan the account (the bot\'s own, or one by id or alias) now and show the result, however recent the last scan is.',
  requires: 'scan',
  run: async (ctx) => showStatusForCommand(ctx, { force: true, canScan: await ctx.may('scan') }),
};
