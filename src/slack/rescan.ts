import type { BlockAction } from '@slack/bolt';
import { refusalFor } from './authorize';
import { errorMessage, type SlackMessage } from './blocks';
import type { SlackServices } from './command';
import { ChannelMessage, ExistingMessage } from './conversation';
import { showHome } from './home';
import { postToResponseUrl } from './responseUrl';
import { ExistingMessageDisplay, messagePlace, showStatus, userFacingReason } from './status';
import type { WebClient } from './webClient';

/**
 * The Re-scan button (after its acknowledgement). On the App Home it re-scans and follows the
 * scan there; on a status message it checks the role, re-scans (within the cost limits) and
 * updates that message, which keeps its report when the scan fails.
 */
export async function rescan(input: { body: BlockAction; client: WebClient; services: SlackServices }): Promise<void> {
  const { body, client, services } = input;
  const userId = body.user.id;
  if (body.container?.type === 'view') {
    // showHome starts a scan for admins only; anyone else (an old view) gets their read-only Home back.
    await showHome({ client, services, userId, start: true, hash: body.view?.hash });
    return;
  }
  const tellRequester = async (message: SlackMessage) => {
    if (body.response_url) {
      await postToResponseUrl(body.response_url, { response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    }
  };
  if (!(await services.authorization.authorize(userId, 'scan'))) {
    services.logger.info({ user: userId, action: 'rescan' }, 'refused: may not scan');
    await tellRequester(refusalFor(services.authorization, 'scan', 're-scan'));
    return;
  }
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
  // An ephemeral message (a private answer) cannot be edited through the Web API, only through its response_url.
  const channelMessage = channel && ts && body.container?.is_ephemeral !== true ? new ChannelMessage(client, channel, ts) : undefined;
  const place = channelMessage ? messagePlace(channelMessage.channel, channelMessage.ts) : body.response_url;
  const message = new ExistingMessage(channelMessage, body.response_url, services.logger, body.container?.is_ephemeral === true ? 'ephemeral' : 'in_channel');
  try {
    // The button names the account its message shows: one no longer scanned is not replaced by another account's status.
    const value = body.actions[0] && 'value' in body.actions[0] ? body.actions[0].value : undefined;
    const named = value ? await services.scans.findAccount(value) : undefined;
    if (value && !named) {
      await tellRequester(errorMessage({ what: 're-scan', reason: `Account ${value.slice(0, 40)} is no longer scanned: see /ftr status for the accounts.` }));
      return;
    }
    await showStatus({ services, display: new ExistingMessageDisplay(message, place), tellRequester, force: true, canScan: true, userId, accountId: named?.accountId });
  } catch (err) {
    await tellRequester(errorMessage({ what: 're-scan', reason: userFacingReason(err) }));
    throw err;
  }
}
