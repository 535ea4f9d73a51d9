import { requirements } from '../src/core/requirements';
import type { SlashCommand } from '../src/slack/command';
import { errorMessage, explainMessage } from '../src/slack/blocks';
import { closestMatches } from '../src/slack/blocks/format';

/** `/ftr explain <requirement ID>`: what it asks, how the bot checks it, how to fix it. */
export const explain: SlashCommand = {
  name: 'explain',
  usage: '/ftr explain <requirement ID>',
  summary: 'What a requirement asks, how ftr-bot checks it, and how to fix a failure.',
  requires: 'read',
  async run(ctx) {
    const id = ctx.args.toUpperCase();
    const known = requirements();
    const requirement = known.byId.get(id);
    if (!requirement) {
      const closest = ctx.args ? closestMatches(ctx.args, known.byId.keys()) : [];
      const hint = closest.length > 0 ? ` Did you mean ${closest.join(', ')}?` : ' Requirement IDs look like FTR-7.1 or WAS-IAM-2.';
      return ctx.conversation.ephemeral(
        errorMessage({ what: `explain ${ctx.args || '(nothing)'}`, reason: `There is no requirement with that ID.${hint}` }),
      );
    }
    const checks = ctx.services.checks.filter((c) => c.refs.includes(requirement.id));
    await ctx.conversation.post(explainMessage({ requirement, checks }));
  },
};
