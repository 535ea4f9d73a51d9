import type { SlashCommand } from '../src/slack/command';
import { NewMessageDisplay, showStatus } from '../src/slack/status';

/** `/ftr status [section]`: the posture per section, from a recent scan or a new one. */
export const status: SlashCommand = {
  name: 'status',
  usage: '/ftr status [section]',
  summary: 'FTR readiness per section, with the most important failures; scans first when the last scan is old (admins).',
  adminOnly: false,
  async run(ctx) {
    await showStatus({
      services: ctx.services,
      display: new NewMessageDisplay(ctx.conversation),
      tellRequester: (message) => ctx.conversation.ephemeral(message),
      section: ctx.args || undefined,
      force: false,
      isAdmin: await ctx.isAdmin(),
    });
  },
};
