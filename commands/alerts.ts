import { openAlertsMessage } from '../src/alerts/cards';
import type { SlashCommand } from '../src/slack/command';

/** Alerts listed at most (the total is always given). */
const LISTED = 100;

/** `/ftr alerts`: the open, unacknowledged alerts, oldest first, to the person who asked. */
export const alerts: SlashCommand = {
  name: 'alerts',
  usage: '/ftr alerts',
  summary: 'The open alerts nobody has acknowledged yet, oldest first (privately).',
  requires: 'read',
  async run(ctx) {
    const open = await ctx.services.store.listAlerts({ states: ['open'] });
    await ctx.conversation.ephemeral(openAlertsMessage({ records: open.slice(0, LISTED), total: open.length }));
  },
};
