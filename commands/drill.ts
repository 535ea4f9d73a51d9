import type { SlashCommand } from '../src/slack/command';
import { errorMessage } from '../src/slack/blocks';
import { closestMatches } from '../src/slack/blocks/format';
import { codeSpan, escapeMrkdwn } from '../src/slack/mrkdwn';

/** `/ftr drill [guardduty|s3-public|root-login]`: a sample event through the real alert pipeline, timed. */
export const drill: SlashCommand = {
  name: 'drill',
  usage: '/ftr drill [guardduty|s3-public|root-login]',
  summary: 'Put a sample alert through the real pipeline and time it from event to card to acknowledgement (evidence for WAS-IR-3).',
  requires: 'drill',
  async run(ctx) {
    const { drills } = ctx.services;
    if (!drills) {
      return ctx.conversation.ephemeral(errorMessage({ what: 'start a drill', reason: 'Alerts are not set up: ftr serve reads them from the SQS queue named by ALERT_QUEUE_URL.' }));
    }
    const kind = ctx.args.trim().toLowerCase() || 'guardduty';
    if (!drills.kinds.includes(kind)) {
      const closest = closestMatches(kind, drills.kinds, 1)[0];
      const hint = closest ? ` Did you mean ${closest}?` : '';
      return ctx.conversation.ephemeral(errorMessage({ what: `start the drill ${kind}`, reason: `Drills are ${drills.kinds.join(', ')}.${hint}` }));
    }
    const { id } = await drills.start({ kind, userId: ctx.userId, responseUrl: ctx.responseUrl });
    const text = `:test_tube: Drill ${codeSpan(kind)} started (${codeSpan(id.slice(0, 8))}): a sample event is in the alert queue. I will tell you here when its card appears, and how long acknowledging it took.`;
    await ctx.conversation.ephemeral({ text: `Drill ${escapeMrkdwn(kind)} started`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  },
};
