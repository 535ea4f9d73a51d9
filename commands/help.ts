import type { SlashCommand } from '../src/slack/command';
import { helpMessage } from '../src/slack/blocks';

/** `/ftr help`: every command, admin-only ones apart. */
export const help: SlashCommand = {
  name: 'help',
  usage: '/ftr help',
  summary: 'This list of commands.',
  adminOnly: false,
  async run(ctx) {
    await ctx.conversation.ephemeral(helpMessage(ctx.services.commands));
  },
};
