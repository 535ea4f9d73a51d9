import type { WebClient } from './webClient';
import type { SlackMessage } from './blocks';
import type { Logger } from './logger';
import { postToResponseUrl } from './responseUrl';

/** A message shown somewhere; `update` replaces its content (and posts any `thread` as replies). */
export interface PostedMessage {
  update(message: SlackMessage): Promise<void>;
  /** False when each update is costly (a `response_url` allows five uses): then only the final result is shown. */
  readonly frequentUpdates: boolean;
}

/** Where a command answers: the channel it was typed in, and the user privately. */
export interface Conversation {
  post(message: SlackMessage): Promise<PostedMessage>;
  ephemeral(message: SlackMessage): Promise<void>;
}

/** Slack's error code of a failed Web API call (`not_in_channel`, …), if that is what failed. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } })?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** The bot cannot post there (a channel it is not in, someone else's DM): answer through response_url instead. */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found']);
/** The message cannot be edited through the Web API (it was posted through a response_url, or deleted). */
const CANNOT_UPDATE = new Set(['cant_update_message', 'message_not_found', 'not_in_channel', 'channel_not_found', 'edit_window_closed']);

const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** A channel message the bot posted, edited with chat.update; its thread continues with chat.postMessage. */
export class ChannelMessage implements PostedMessage {
  readonly frequentUpdates = true;

  constructor(
    private readonly client: WebClient,
    readonly channel: string,
    readonly ts: string,
  ) {}

  /** Posts `message` in `channel` with its thread replies. */
  static async post(client: WebClient, channel: string, message: SlackMessage): Promise<ChannelMessage> {
    const res = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, ...NO_UNFURL });
    const posted = new ChannelMessage(client, res.channel ?? channel, res.ts!);
    await posted.postThread(message);
    return posted;
  }

  async update(message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel: this.channel, ts: this.ts, text: message.text, blocks: message.blocks });
    await this.postThread(message);
  }

  private async postThread(message: SlackMessage): Promise<void> {
    for (const reply of message.thread ?? []) {
      await this.client.chat.postMessage({ channel: this.channel, thread_ts: this.ts, text: reply.text, blocks: reply.blocks, ...NO_UNFURL });
    }
  }
}

/** A message shown through a response_url: updates replace it; a thread becomes follow-up messages. */
export class ResponseUrlMessage implements PostedMessage {
  readonly frequentUpdates = false;

  constructor(private readonly responseUrl: string) {}

  static async post(responseUrl: string, message: SlackMessage): Promise<ResponseUrlMessage> {
    const posted = new ResponseUrlMessage(responseUrl);
    await posted.send(message, false);
    return posted;
  }

  update(message: SlackMessage): Promise<void> {
    return this.send(message, true);
  }

  private async send(message: SlackMessage, replace: boolean): Promise<void> {
    await postToResponseUrl(this.responseUrl, { response_type: 'in_channel', replace_original: replace, text: message.text, blocks: message.blocks });
    for (const reply of message.thread ?? []) {
      await postToResponseUrl(this.responseUrl, { response_type: 'in_channel', replace_original: false, text: reply.text, blocks: reply.blocks });
    }
  }
}

/**
 * A message that already exists (the one whose button was pressed): chat.update first, the
 * interaction's response_url when the Web API cannot edit it.
 */
export class ExistingMessage implements PostedMessage {
  private fallback?: ResponseUrlMessage;

  constructor(
    private readonly channelMessage: ChannelMessage | undefined,
    private readonly responseUrl: string | undefined,
    private readonly logger: Logger,
  ) {}

  get frequentUpdates(): boolean {
    return !this.fallback && this.channelMessage !== undefined;
  }

  async update(message: SlackMessage): Promise<void> {
    if (this.channelMessage && !this.fallback) {
      try {
        return await this.channelMessage.update(message);
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code || !CANNOT_UPDATE.has(code) || !this.responseUrl) throw err;
        this.logger.info({ code }, 'chat.update refused; answering through the response_url');
      }
    }
    if (!this.responseUrl) throw new Error('the message can be updated neither through the Web API nor a response_url');
    this.fallback ??= new ResponseUrlMessage(this.responseUrl);
    await this.fallback.update(message);
  }
}

/** The channel a slash command was typed in; the response_url when the bot cannot post there. */
export class SlashCommandConversation implements Conversation {
  constructor(
    private readonly client: WebClient,
    private readonly channelId: string,
    private readonly responseUrl: string,
    private readonly logger: Logger,
  ) {}

  async post(message: SlackMessage): Promise<PostedMessage> {
    try {
      return await ChannelMessage.post(this.client, this.channelId, message);
    } catch (err) {
      const code = slackErrorCode(err);
      if (!code || !CANNOT_POST_HERE.has(code)) throw err;
      // Without chat:write.public the bot may only post where it is a member; the response_url works everywhere.
      this.logger.info({ code, channel: this.channelId }, 'cannot post in the channel; answering through the response_url');
      return ResponseUrlMessage.post(this.responseUrl, message);
    }
  }

  ephemeral(message: SlackMessage): Promise<void> {
    return postToResponseUrl(this.responseUrl, { response_type: 'ephemeral', text: message.text, blocks: message.blocks });
  }
}
