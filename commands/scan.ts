import type { SlashCommand } from '../src/slack/command';
import { NewMessageDisplay, showStatus } from '../src/slack/status';

/** `/ftr scan [section]`: like status, but always with fresh data (joins a scan already running). */
export const scan: SlashCommand = {
  name: 'scan',
  usage: '/ftr scan [section]',
  summary: 'Scan the account now and show the result, however recent the last scan is.',
  adminOnly: true,
  async run(ctx) {
    await showStatus({
      services: ctx.services,
      display: new NewMessageDisplay(ctx.conversation),
      tellRequester: (message) => ctx.conversation.ephemeral(message),
      section: ctx.args || undefined,
      force: true,
      isAdmin: true,
    });
  },
};
