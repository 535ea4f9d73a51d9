import type { SlashCommand } from '../src/slack/command';
import { checkResultsMessage, errorMessage } from '../src/slack/blocks';
import { resolveCheckQuery, unknownCheckQueryMessage } from '../src/slack/blocks/results';

/**
 * `/ftr check <requirement | section | check id>`: per-resource results from the latest scan, a
 * page at a time, to the asker unless the channel is meant to see answers. The argument is checked
 * before anything is read.
 */
export const check: SlashCommand = {
  name: 'check',
  usage: '/ftr check <requirement ID | section | check id>',
  summary: 'Every resource of the latest scan for a requirement (FTR-7.1), a section (FTR-7, WAS-IAM) or a check, a page at a time, with a CSV download.',
  requires: 'read',
  async run(ctx) {
    const { scans, now, checks } = ctx.services;
    if (!ctx.args) {
      return ctx.conversation.ephemeral(errorMessage({ what: 'check', reason: `Say what to check: ${check.usage}, e.g. /ftr check FTR-7.1` }));
    }
    const query = resolveCheckQuery(ctx.args, checks);
    if (!query) return ctx.conversation.ephemeral(unknownCheckQueryMessage(ctx.args, checks));
    const accountId = await scans.accountId();
    const report = await scans.latest(accountId);
    if (!report) {
      const reason = scans.current(accountId) ? 'The first scan is still running; try again when it finishes.' : 'No scan has finished yet; an FTR admin can start one with /ftr scan.';
      return ctx.conversation.ephemeral(errorMessage({ what: `check ${query.id}`, reason }));
    }
    await ctx.conversation.post(checkResultsMessage({ report, query: query.id, now: now(), checks, acceptFindings: await ctx.may('except') }));
  },
};
