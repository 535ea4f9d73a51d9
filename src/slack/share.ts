import type { SlackApp } from './app';
import { onButton, tellPresser } from './buttons';
import { errorMessage, type SlackMessage } from './blocks';
import { context } from './blocks/kit';
import type { ChannelPolicy } from './channels';
import type { SlashCommand } from './command';
import { SHARE_ACTION_ID, SlashCommandConversation, type Conversation, type PostedMessage } from './conversation';
import { parseCommandText, routeCommand } from './router';

const MAX_SHARE_VALUE = 2000;

/**
 * What a Share button re-runs, from the command text: the same read-only command with its
 * arguments (`scan` shares as `status`: sharing never starts a scan). Undefined when not shareable.
 */
export function shareValue(text: string, commands: readonly SlashCommand[]): string | undefined {
  const { name, args } = parseCommandText(text);
  const shared = name === 'scan' ? 'status' : name;
  const command = commands.find((c) => c.name === shared);
  if (!command || command.requires !== 'read') return undefined;
  const value = `${shared} ${args}`.trim();
  return value.length <= MAX_SHARE_VALUE ? value : undefined;
}

/** The channel's conversation, each result marked with who shared it. */
class SharedConversation implements Conversation {
  constructor(
    private readonly inner: Conversation,
    private readonly userId: string,
  ) {}

  private mark(message: SlackMessage): SlackMessage {
    return message.progress ? message : { ...message, blocks: [...message.blocks, context(`Shared by <@${this.userId}>`)] };
  }

  async post(message: SlackMessage): Promise<PostedMessage> {
    const posted = await this.inner.post(this.mark(message));
    return { frequentUpdates: posted.frequentUpdates, update: (next) => posted.update(this.mark(next)) };
  }

  ephemeral(message: SlackMessage): Promise<void> {
    return this.inner.ephemeral(message);
  }
}

/**
 * The Share in channel button of a private answer: the same read-only command runs again with the
 * channel as its audience (fresh data, never a scan), unless the channel may not see findings.
 */
export function registerShare(slack: SlackApp, deps: { commands: readonly SlashCommand[]; channels: ChannelPolicy }): void {
  const { app, services } = slack;
  const { logger } = services;
  onButton(slack, {
    actionId: SHARE_ACTION_ID,
    requires: 'read',
    what: 'share this answer',
    handle: async ({ body, value, userId }) => {
      const channelId = body.channel?.id ?? (body.container?.channel_id as string | undefined);
      const responseUrl = body.response_url;
      if (!channelId || !responseUrl || shareValue(value, deps.commands) !== value) {
        return tellPresser(app.client, body, errorMessage({ what: 'share this answer', reason: 'The button no longer says what to share; run the command again.' }));
      }
      const verdict = await deps.channels.mayShare(channelId);
      if (!verdict.ok) {
        logger.info({ user: userId, channel: channelId }, 'share refused: the channel may not see findings');
        return tellPresser(app.client, body, errorMessage({ what: 'share this answer here', reason: verdict.reason }));
      }
      logger.info({ user: userId, channel: channelId, command: value }, 'answer shared in the channel');
      const conversation = new SharedConversation(new SlashCommandConversation(app.client, channelId, responseUrl, logger), userId);
      await routeCommand({
        text: value,
        commands: deps.commands,
        context: { userId, channelId, may: async (a) => a === 'read', responseUrl, conversation, services },
      });
    },
  });
}
