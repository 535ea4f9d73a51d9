import type { BlockAction } from '@slack/bolt';
import { formatCsv } from '../report/format';
import type { SlackApp } from './app';
import { onButton, tellPresser } from './buttons';
import { checkResultsMessage, errorMessage, type SlackMessage } from './blocks';
import { plural } from './blocks/format';
import { textMessage } from './blocks/kit';
import {
  CHECK_PAGE_ACTIONS,
  checkQueryResults,
  parseCheckPageRef,
  resolveCheckQuery,
  unknownCheckQueryMessage,
  type CheckPageRef,
  type CheckQuery,
} from './blocks/results';
import type { SlackServices } from './command';
import { cannotDmReason, ChannelMessage, ExistingMessage, slackErrorCode } from './conversation';
import { codeSpan } from './mrkdwn';
import { postToResponseUrl } from './responseUrl';
import type { WebClient } from './webClient';

/** A press of a `/ftr check` page button, with what it asks for once checked. */
interface PagePress {
  body: BlockAction;
  ref: CheckPageRef;
  query: CheckQuery;
}

/**
 * Replaces the page whose button was pressed: a private page through the interaction's
 * response_url (the Web API cannot edit ephemeral messages), a channel message with chat.update.
 */
async function replacePage(client: WebClient, services: SlackServices, body: BlockAction, message: SlackMessage): Promise<void> {
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
  if (body.container?.is_ephemeral === true || !channel || !ts) {
    if (!body.response_url) throw new Error('the page can be replaced neither through the Web API nor a response_url');
    await postToResponseUrl(body.response_url, { response_type: 'ephemeral', replace_original: true, text: message.text, blocks: message.blocks });
    return;
  }
  await new ExistingMessage(new ChannelMessage(client, channel, ts), body.response_url, services.logger).update(message);
}

/** `ftr-check-FTR-7-2024-05-01.csv`: the query and the day of the scan, safe in any file system. */
function csvFilename(query: CheckQuery, generatedAt: string): string {
  return `ftr-check-${query.id.replace(/[^A-Za-z0-9._-]+/g, '_')}-${generatedAt.slice(0, 10)}.csv`;
}

/**
 * The buttons of `/ftr check` pages: Previous / Next replace the page with the one asked for
 * (from the latest report, saying so when a newer scan replaced the one shown; with Accept…
 * buttons on failures when the presser may record exceptions); Download CSV
 * sends every result for the query as a file in a direct message to the person who pressed.
 * Every press needs `read`.
 */
export function registerCheckPages(slack: SlackApp): void {
  const { app, services } = slack;
  const { logger, scans, checks } = services;
  const client = app.client;

  /** Checks what the button asks for, then runs `handle`; `what` the button does, for "Could not …". */
  const onPress = (actionId: string, what: string, handle: (press: PagePress) => Promise<void>) =>
    onButton(slack, {
      actionId,
      requires: 'read',
      what: `${what} these results`,
      handle: async ({ body, value }) => {
        const ref = parseCheckPageRef(value);
        const query = ref && resolveCheckQuery(ref.query, checks);
        if (!ref || !query) return tellPresser(client, body, unknownCheckQueryMessage(ref?.query ?? value, checks));
        await handle({ body, ref, query });
      },
    });

  const latestReport = async (body: BlockAction, what: string) => {
    const report = await scans.latest(await scans.accountId());
    if (!report) await tellPresser(client, body, errorMessage({ what, reason: 'No scan report is stored any more; an FTR admin can start one with /ftr scan.' }));
    return report;
  };

  const showPage = async ({ body, ref, query }: PagePress) => {
    const report = await latestReport(body, `show ${query.id}`);
    if (!report) return;
    const acceptFindings = await services.authorization.authorize(body.user.id, 'except');
    const page = checkResultsMessage({ report, query: query.id, page: ref.page, now: services.now(), checks, shownGeneratedAt: ref.generatedAt, acceptFindings });
    await replacePage(client, services, body, page);
  };
  onPress(CHECK_PAGE_ACTIONS.previous, 'show', showPage);
  onPress(CHECK_PAGE_ACTIONS.next, 'show', showPage);

  onPress(CHECK_PAGE_ACTIONS.csv, 'send the CSV of', async ({ body, ref, query }) => {
    const report = await latestReport(body, `send the CSV of ${query.id}`);
    if (!report) return;
    const userId = body.user.id;
    let dm: string | undefined;
    try {
      dm = (await client.conversations.open({ users: userId })).channel?.id;
    } catch (err) {
      const code = slackErrorCode(err);
      logger.warn({ err, user: userId }, 'cannot open a direct message for the CSV');
      return tellPresser(client, body, textMessage(`:warning: Could not send the CSV: I cannot open a direct message with you (${cannotDmReason(code)}).`));
    }
    if (!dm) return tellPresser(client, body, textMessage(':warning: Could not send the CSV: Slack opened no direct message with you.'));
    const results = checkQueryResults(report, query);
    const newer = report.generatedAt !== ref.generatedAt ? ' It holds the newer scan that finished since the page was shown.' : '';
    await client.files.uploadV2({
      channel_id: dm,
      file: Buffer.from(formatCsv({ ...report, results }), 'utf8'),
      filename: csvFilename(query, report.generatedAt),
      title: `${query.id}: all ${plural(results.length, 'result')} of the scan of ${report.generatedAt}`,
    });
    logger.info({ user: userId, query: query.id, results: results.length }, 'check results sent as CSV');
    await tellPresser(client, body, textMessage(`:page_facing_up: Sent every result for ${codeSpan(query.id)} (${plural(results.length, 'row')}) as a CSV file to your direct messages with the app.${newer}`));
  });
}
