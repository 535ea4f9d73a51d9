import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackApp } from './app';
import { refusalFor, type SlackAction } from './authorize';
import { errorMessage, type SlackMessage } from './blocks';
import { slackErrorCode } from './conversation';
import { postToResponseUrl } from './responseUrl';
import { userFacingReason } from './status';
import type { WebClient } from './webClient';

/**
 * Answers only the person who pressed: an ephemeral message through the interaction's
 * response_url (`replace` swaps the message pressed), chat.postEphemeral in the channel when there
 * is none, or the app's direct message with them from the Home tab.
 */
export async function tellPresser(client: WebClient, body: BlockAction, message: SlackMessage, options: { replace?: boolean } = {}): Promise<void> {
  const messages = [message, ...(message.thread ?? [])];
  if (body.response_url) {
    for (const [i, m] of messages.entries()) {
      await postToResponseUrl(body.response_url, { response_type: 'ephemeral', replace_original: options.replace === true && i === 0, text: m.text, blocks: m.blocks });
    }
    return;
  }
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  if (channel) {
    for (const m of messages) await client.chat.postEphemeral({ channel, user: body.user.id, text: m.text, blocks: m.blocks });
    return;
  }
  const first = await client.chat.postMessage({ channel: body.user.id, text: message.text, blocks: message.blocks });
  for (const m of message.thread ?? []) await client.chat.postMessage({ channel: body.user.id, thread_ts: first.ts, text: m.text, blocks: m.blocks });
}

export interface ButtonPress {
  body: BlockAction;
  /** The button's value ('' when it has none). */
  value: string;
  userId: string;
}

/**
 * A button: acknowledged at once; then, for people `authorize` allows `requires`, `handle` runs as
 * tracked work (shutdown waits for it). Refusals and failures are told to the presser alone;
 * `what` says what the button does ("show the runbook") for those answers.
 */
export function onButton(slack: SlackApp, input: { actionId: string; requires: SlackAction; what: string; handle: (press: ButtonPress) => Promise<void> }): void {
  const { app, services } = slack;
  const { authorization, logger } = services;
  app.action<BlockAction<ButtonAction>>(input.actionId, async ({ ack, body, action }) => {
    await ack();
    await slack.track(input.actionId, async () => {
      const userId = body.user.id;
      if (!(await authorization.authorize(userId, input.requires))) {
        logger.info({ user: userId, action: input.actionId, requires: input.requires }, 'refused: not allowed');
        await tellPresser(app.client, body, refusalFor(authorization, input.requires, input.what));
        return;
      }
      try {
        await input.handle({ body, value: action.value ?? '', userId });
      } catch (err) {
        logger.error({ err, action: input.actionId }, 'button failed');
        const code = slackErrorCode(err);
        await tellPresser(app.client, body, errorMessage({ what: input.what, reason: code ? `Slack answered ${code}.` : userFacingReason(err) })).catch((tellErr: unknown) =>
          logger.warn({ err: tellErr }, 'could not tell the presser about the failure'),
        );
      }
    });
  });
}
