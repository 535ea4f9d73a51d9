import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackApp } from './app';
import { refusalFor } from './authorize';
import { checkResultsMessage, errorMessage, runbookMessage, type SlackMessage } from './blocks';
import { section } from './blocks/kit';
import { parseFailureValue, runbookForRequirement, STATUS_ACTIONS, type FailureRef } from './blocks/status';
import { codeSpan } from './mrkdwn';
import { postToResponseUrl } from './responseUrl';
import { userFacingReason } from './status';
import type { WebClient } from './webClient';

/**
 * Answers only the person who pressed: new ephemeral messages through the interaction's
 * response_url (the status stays as it was); from the App Home, which gives none, the app's
 * direct message with them, continuations as thread replies.
 */
async function tellPresser(client: WebClient, body: BlockAction, message: SlackMessage): Promise<void> {
  const messages = [message, ...(message.thread ?? [])];
  if (body.response_url) {
    for (const m of messages) await postToResponseUrl(body.response_url, { response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
    return;
  }
  const first = await client.chat.postMessage({ channel: body.user.id, text: message.text, blocks: message.blocks });
  for (const m of message.thread ?? []) await client.chat.postMessage({ channel: body.user.id, thread_ts: first.ts, text: m.text, blocks: m.blocks });
}

function note(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/**
 * The buttons of a status's failures: Runbook shows the shipped runbook covering the failure's
 * requirement, Show resources the check's results in the latest report. Both need `read` and
 * answer the presser alone, whoever else sees the status.
 */
export function registerStatusActions(slack: SlackApp): void {
  const { app, services } = slack;
  const { authorization, logger, scans, checks } = services;

  const onPress = (actionId: string, what: string, handle: (ref: FailureRef) => Promise<SlackMessage>) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      await slack.track(actionId, async () => {
        const userId = body.user.id;
        if (!(await authorization.authorize(userId, 'read'))) {
          logger.info({ user: userId, action: actionId }, 'refused: may not read');
          return tellPresser(app.client, body, refusalFor(authorization, 'read', what));
        }
        const ref = parseFailureValue(action.value ?? '');
        if (!ref) return tellPresser(app.client, body, errorMessage({ what, reason: 'The button no longer says which check it is for; run /ftr status again.' }));
        let answer: SlackMessage;
        try {
          answer = await handle(ref);
        } catch (err) {
          logger.error({ err, action: actionId, checkId: ref.checkId }, 'status button failed');
          answer = errorMessage({ what, reason: userFacingReason(err) });
        }
        await tellPresser(app.client, body, answer);
      });
    });
  };

  onPress(STATUS_ACTIONS.resources, 'show the failing resources', async (ref) => {
    const report = await scans.latest(await scans.accountId());
    if (!report) return errorMessage({ what: 'show the failing resources', reason: 'No scan report is stored any more; /ftr status starts a scan.' });
    // A check the catalog and the report no longer know (an older status): its requirement instead.
    const known = checks.some((c) => c.id === ref.checkId) || report.results.some((r) => r.checkId === ref.checkId);
    const query = known || !ref.requirementId ? ref.checkId : ref.requirementId;
    return checkResultsMessage({ report, query, now: services.now(), checks });
  });

  onPress(STATUS_ACTIONS.runbook, 'show the runbook', async (ref) => {
    const runbook = ref.requirementId ? runbookForRequirement(services.runbooks, ref.requirementId) : undefined;
    if (runbook) return runbookMessage(runbook);
    return note(`No shipped runbook covers ${codeSpan(ref.requirementId ?? ref.checkId)} any more; \`/ftr runbook\` lists them.`);
  });
}
