import { requirements } from '../src/core/requirements';
import type { ScanReport } from '../src/engine/scan';
import { EVIDENCE_FILES, type EvidencePack } from '../src/report/evidence';
import { evidencePack } from '../src/report/evidencePack';
import { errorMessage } from '../src/slack/blocks';
import { plural } from '../src/slack/blocks/format';
import { textMessage } from '../src/slack/blocks/kit';
import type { CommandContext, SlashCommand } from '../src/slack/command';
import { cannotDmReason, slackErrorCode } from '../src/slack/conversation';
import { codeSpan, escapeMrkdwn } from '../src/slack/mrkdwn';

/** The bot cannot share files where it is not a member: the pack goes to the asker instead. */
const NOT_HERE = new Set(['not_in_channel', 'channel_not_found']);

/** "FTR evidence pack for account `1234…` from the scan of 2024-05-01 10:00 UTC: 40 of 62 FTR requirements met, 18 open". */
export function evidenceComment(accountId: string, report: Pick<ScanReport, 'generatedAt'>, verdicts: EvidencePack['verdicts'], userId: string): string {
  const all = Object.values(verdicts);
  const met = all.filter((v) => v === 'met').length;
  const open = all.filter((v) => v === 'open').length;
  const scannedAt = `${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return `:card_index_dividers: FTR evidence pack for account ${codeSpan(accountId)} from the scan of ${scannedAt}: ${met} of ${plural(all.length, 'FTR requirement')} met, ${open} open (requested by <@${userId}>).`;
}

async function upload(ctx: CommandContext, channelId: string, pack: EvidencePack, comment: string, accountId: string): Promise<void> {
  await ctx.services.client.files.uploadV2({
    channel_id: channelId,
    initial_comment: comment,
    file_uploads: [
      { file: Buffer.from(pack.markdown, 'utf8'), filename: EVIDENCE_FILES.markdown, title: `FTR evidence of ${accountId} (Markdown)` },
      { file: pack.pdf, filename: EVIDENCE_FILES.pdf, title: `FTR evidence of ${accountId} (PDF)` },
      { file: Buffer.from(pack.csv, 'utf8'), filename: EVIDENCE_FILES.csv, title: `Every result of the scan of ${accountId} (CSV)` },
    ],
  });
}

/** Shares the pack in the channel; the reason it could not, when the bot is not a member there. */
async function uploadHere(ctx: CommandContext, pack: EvidencePack, comment: string, accountId: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await upload(ctx, ctx.channelId, pack, comment, accountId);
    return { ok: true };
  } catch (err) {
    const code = slackErrorCode(err);
    if (!code || !NOT_HERE.has(code)) throw err;
    return { ok: false, reason: 'ftr-bot is not a member of this channel (invite it to share files here).' };
  }
}

/** Sends the pack to the asker's direct messages with the app, saying privately why it did not go to the channel. */
async function uploadToAsker(ctx: CommandContext, pack: EvidencePack, comment: string, accountId: string, why: string): Promise<void> {
  const { client, logger } = ctx.services;
  let dm: string | undefined;
  try {
    dm = (await client.conversations.open({ users: ctx.userId })).channel?.id;
  } catch (err) {
    logger.warn({ err, user: ctx.userId }, 'cannot open a direct message for the evidence pack');
    return ctx.conversation.ephemeral(errorMessage({ what: 'send the evidence pack', reason: `It may not go to this channel (${why}), and I cannot open a direct message with you: ${cannotDmReason(slackErrorCode(err))}.` }));
  }
  if (!dm) return ctx.conversation.ephemeral(errorMessage({ what: 'send the evidence pack', reason: 'Slack opened no direct message with you.' }));
  await upload(ctx, dm, pack, comment, accountId);
  logger.info({ user: ctx.userId, channel: ctx.channelId, accountId }, 'evidence pack sent to the asker: the channel may not see findings');
  await ctx.conversation.ephemeral(textMessage(`:lock: The evidence pack is in your direct messages with the app, not in this channel: ${escapeMrkdwn(why)}`));
}

/**
 * `/ftr evidence`: the FTR self-assessment evidence pack of the latest scan (decisions applied),
 * as Markdown, PDF and a CSV of every result, uploaded to the channel when it may see findings
 * (as Share in channel decides), else to the asker's direct messages.
 */
export const evidence: SlashCommand = {
  name: 'evidence',
  usage: '/ftr evidence',
  summary: 'The FTR self-assessment evidence pack of the latest scan (Markdown, PDF, CSV of every result), uploaded to this channel.',
  requires: 'attest',
  async run(ctx) {
    const { scans, decisions, checks, now, channels, logger } = ctx.services;
    const accountId = await scans.accountId();
    const report = await scans.latest(accountId);
    if (!report) {
      const reason = scans.current(accountId) ? 'The first scan is still running; try again when it finishes.' : 'No scan yet: run /ftr scan.';
      return ctx.conversation.ephemeral(errorMessage({ what: 'build the evidence pack', reason }));
    }
    await ctx.conversation.ephemeral(textMessage(':hourglass_flowing_sand: Building the evidence pack…'));
    const pack = await evidencePack({ report, decisions: await decisions.decisions(accountId), requirements: requirements(), checks, now: now(), accountId });
    const comment = evidenceComment(accountId, report, pack.verdicts, ctx.userId);
    const verdict = await channels.mayShare(ctx.channelId);
    const shared = verdict.ok ? await uploadHere(ctx, pack, comment, accountId) : verdict;
    if (shared.ok) {
      logger.info({ user: ctx.userId, channel: ctx.channelId, accountId }, 'evidence pack uploaded to the channel');
      return;
    }
    await uploadToAsker(ctx, pack, comment, accountId, shared.reason);
  },
};
