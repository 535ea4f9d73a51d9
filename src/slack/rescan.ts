import type { BlockAction } from '@slack/bolt';
import { refusalFor } from './authorize';
import { errorMessage, type SlackMessage } from './blocks';
import type { SlackServices } from './command';
import { ChannelMessage, ExistingMessage } from './conversation';
import { showHome } from './home';
import { postToResponseUrl } from './responseUrl';
import { ExistingMessageDisplay, showStatus, userFacingReason } from './status';
import type { WebClient } from './webClient';

/**
 * The Re-scan button (after its acknowledgement). On the App Home it re-scans and follows the
 * scan there; on a status message it checks the role, re-scans and updates that message.
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
  const message = new ExistingMessage(channel && ts ? new ChannelMessage(client, channel, ts) : undefined, body.response_url, services.logger);
  try {
    await showStatus({ services, display: new ExistingMessageDisplay(message), tellRequester, force: true, canScan: true });
  } catch (err) {
    await tellRequester(errorMessage({ what: 're-scan', reason: userFacingReason(err) }));
    throw err;
  }
}
