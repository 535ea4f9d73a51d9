import type { SlashCommand } from '../src/slack/command';
import { errorMessage, runbookListMessage, runbookMessage } from '../src/slack/blocks';
import { closestMatches } from '../src/slack/blocks/format';
import { findRunbook } from '../src/slack/runbooks';

/** `/ftr runbook [name]`: the incident runbooks, or one of them step by step. */
export const runbook: SlashCommand = {
  name: 'runbook',
  usage: '/ftr runbook [name]',
  summary: 'List the incident runbooks, or show one step by step.',
  requires: 'read',
  async run(ctx) {
    const { runbooks } = ctx.services;
    if (!ctx.args) {
      await ctx.conversation.post(runbookListMessage(runbooks));
      return;
    }
    const found = findRunbook(runbooks, ctx.args);
    if (!found) {
      const closest = closestMatches(ctx.args, runbooks.map((r) => r.name));
      const hint = closest.length > 0 ? ` Did you mean ${closest.join(', ')}?` : ' /ftr runbook lists them.';
      return ctx.conversation.ephemeral(errorMessage({ what: `find the runbook ${ctx.args}`, reason: `There is no runbook with that name.${hint}` }));
    }
    await ctx.conversation.post(runbookMessage(found));
  },
};
