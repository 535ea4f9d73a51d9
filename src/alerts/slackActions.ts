import type { BlockAction, ButtonAction } from '@slack/bolt';
import { runbookMessage, type SlackMessage } from '../slack/blocks';
import type { SlackApp } from '../slack/app';
import { postToResponseUrl } from '../slack/responseUrl';
import type { WebClient } from '../slack/webClient';
import { findRunbook } from '../slack/runbooks';
import type { Store } from '../store';
import { refusalFor } from '../slack/authorize';
import { ALERT_ACTIONS, digestPage } from './cards';
import type { AlertAction, AlertService } from './service';

/**
 * Answers only the person who pressed: an ephemeral message through the interaction's
 * response_url, or chat.postEphemeral in the card's channel when there is none.
 */
async function tellPresser(client: WebClient, body: BlockAction, message: SlackMessage, replace = false): Promise<void> {
  const messages = [message, ...(message.thread ?? [])];
  if (body.response_url) {
    for (const [i, m] of messages.entries()) {
      await postToResponseUrl(body.response_url, { response_type: 'ephemeral', replace_original: replace && i === 0, text: m.text, blocks: m.blocks });
    }
    return;
  }
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) return;
  for (const m of messages) await client.chat.postEphemeral({ channel, user: body.user.id, text: m.text, blocks: m.blocks });
}

function note(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

const PAST: Record<AlertAction, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

/**
 * The buttons of alert cards: Acknowledge / Resolve (responders only; the card changes in place
 * and the audit trail keeps who and when), Acknowledge all / Resolve all on digests, Show all
 * (pages of a digest, privately), Runbook (privately), and the console link (nothing to do).
 */
export function registerAlertActions(slack: SlackApp, deps: { service: AlertService; store: Store }): void {
  const { app, services } = slack;
  const { authorization, logger } = services;

  const onAction = (actionId: string, handle: (body: BlockAction, value: string) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      await slack.track(actionId, () => handle(body, action.value ?? ''));
    });
  };

  const act = (action: AlertAction, scope: 'key' | 'digestId') => async (body: BlockAction, value: string) => {
    const userId = body.user.id;
    if (!(await authorization.authorize(userId, 'acknowledge'))) {
      logger.info({ user: userId, action }, 'refused: not an alert responder');
      await tellPresser(app.client, body, refusalFor(authorization, 'acknowledge', `${action} alerts`));
      return;
    }
    const result = await deps.service.act({ action, userId, [scope]: value });
    logger.info({ user: userId, action, [scope]: value, changed: result.changed.length }, `alert ${PAST[action]}`);
    if (result.changed.length === 0) {
      const first = result.already[0];
      const by = first?.state === 'resolved' ? first.resolvedBy : first?.acknowledgedBy;
      const who = by && /^[UW][A-Z0-9]+$/.test(by) ? ` by <@${by}>` : '';
      await tellPresser(app.client, body, note(first ? `Nothing to do: already ${first.state}${who}.` : 'That alert is no longer known to ftr-bot.'));
    }
  };

  onAction(ALERT_ACTIONS.acknowledge, act('acknowledge', 'key'));
  onAction(ALERT_ACTIONS.resolve, act('resolve', 'key'));
  onAction(ALERT_ACTIONS.acknowledgeDigest, act('acknowledge', 'digestId'));
  onAction(ALERT_ACTIONS.resolveDigest, act('resolve', 'digestId'));

  onAction(ALERT_ACTIONS.showDigest, async (body, value) => {
    const [digestId, page] = value.split('|');
    const members = await deps.store.digestAlerts(digestId);
    if (members.length === 0) return tellPresser(app.client, body, note('That digest is no longer known to ftr-bot.'));
    // Paging from an earlier page replaces it; from the card, a new private message.
    await tellPresser(app.client, body, digestPage({ digestId, members, page: Number(page) || 0 }), body.container?.is_ephemeral === true);
  });

  onAction(ALERT_ACTIONS.runbook, async (body, value) => {
    const runbook = findRunbook(services.runbooks, value);
    await tellPresser(app.client, body, runbook ? runbookMessage(runbook) : note(`There is no runbook named ${value.replace(/[<>&]/g, '')}; \`/ftr runbook\` lists them.`));
  });

  // A link button: Slack opens the URL and still sends the press, which needs only its acknowledgement.
  app.action(ALERT_ACTIONS.console, async ({ ack }) => ack());
}
