import type { SlashCommand } from '../src/slack/command';
import { checkResultsMessage, errorMessage } from '../src/slack/blocks';

/** `/ftr check <requirement | section | check id>`: per-resource results from the latest scan. */
export const check: SlashCommand = {
  name: 'check',
  usage: '/ftr check <requirement ID | section | check id>',
  summary: 'Per-resource results of the latest scan for a requirement (FTR-7.1), a section (FTR-7, WAS-IAM) or a check.',
  requires: 'read',
  async run(ctx) {
    const { scans, now, checks } = ctx.services;
    if (!ctx.args) {
      return ctx.conversation.ephemeral(errorMessage({ what: 'check', reason: `Say what to check: ${check.usage}, e.g. /ftr check FTR-7.1` }));
    }
    const accountId = await scans.accountId();
    const report = await scans.latest(accountId);
    if (!report) {
      const reason = scans.current(accountId) ? 'The first scan is still running; try again when it finishes.' : 'No scan has finished yet; /ftr status starts one.';
      return ctx.conversation.ephemeral(errorMessage({ what: `check ${ctx.args}`, reason }));
    }
    await ctx.conversation.post(checkResultsMessage({ report, query: ctx.args, now: now(), checks }));
  },
};
