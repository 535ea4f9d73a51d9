import type { SlashCommand } from '../src/slack/command';
import { helpMessage } from '../src/slack/blocks';

/** `/ftr help`: every command, admin-only ones apart. */
export const help: SlashCommand = {
  name: 'help',
  usage: '/ftr help',
  summary: 'This list of commands.',
  requires: 'read',
  async run(ctx) {
    await ctx.conversation.ephemeral(helpMessage(ctx.services.commands, { adminsMissing: ctx.services.authorization.adminsMissing }));
  },
};
