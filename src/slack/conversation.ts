import type { WebClient } from './webClient';
import { LIMITS, type SlackMessage } from './blocks';
import { actions, button } from './blocks/kit';
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
/** Why a direct message could not be opened (from Slack's error code), in words the person can act on. */
export function cannotDmReason(code: string | undefined): string {
  if (code === 'missing_scope') return 'the app is not allowed to open direct messages (it needs the im:write scope; ask whoever installed it to reinstall it)';
  return code ? `Slack answered ${code}` : 'the request to Slack failed';
}

export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } })?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** The bot cannot post there (a channel it is not in, someone else's DM): answer through response_url instead. */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found']);
/** The message cannot be edited through the Web API (it was posted through a response_url, or deleted). */
const CANNOT_UPDATE = new Set(['cant_update_message', 'message_not_found', 'not_in_channel', 'channel_not_found', 'edit_window_closed']);

const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

export const SHARE_ACTION_ID = 'ftr_share';

/** The message with a "Share in channel" button at its end (when a block is left for it). */
export function withShareButton(message: SlackMessage, share: string): SlackMessage {
  if (message.blocks.length >= LIMITS.messageBlocks) return message;
  return { ...message, blocks: [...message.blocks, actions([button({ text: ':loudspeaker: Share in channel', actionId: SHARE_ACTION_ID, value: share })])] };
}

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

/**
 * A message shown through a response_url (to the channel, or only to the asker): updates replace
 * it; a thread becomes follow-up messages. A private answer's result carries a Share button when
 * the conversation offers one.
 */
export class ResponseUrlMessage implements PostedMessage {
  readonly frequentUpdates = false;

  constructor(
    private readonly responseUrl: string,
    private readonly audience: 'in_channel' | 'ephemeral' = 'in_channel',
    private readonly share?: string,
  ) {}

  static async post(responseUrl: string, message: SlackMessage, audience: 'in_channel' | 'ephemeral' = 'in_channel', share?: string): Promise<ResponseUrlMessage> {
    const posted = new ResponseUrlMessage(responseUrl, audience, share);
    await posted.send(message, false);
    return posted;
  }

  update(message: SlackMessage): Promise<void> {
    return this.send(message, true);
  }

  private async send(message: SlackMessage, replace: boolean): Promise<void> {
    const shown = this.share && !message.progress ? withShareButton(message, this.share) : message;
    await postToResponseUrl(this.responseUrl, { response_type: this.audience, replace_original: replace, text: shown.text, blocks: shown.blocks });
    for (const reply of message.thread ?? []) {
      await postToResponseUrl(this.responseUrl, { response_type: this.audience, replace_original: false, text: reply.text, blocks: reply.blocks });
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
    /** Who sees the message: a private one stays private when replaced. */
    private readonly audience: 'in_channel' | 'ephemeral' = 'in_channel',
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
    this.fallback ??= new ResponseUrlMessage(this.responseUrl, this.audience);
    await this.fallback.update(message);
  }
}

/**
 * Where a slash command answers. Private by default: only the asker sees the answer (through the
 * response_url), with a Share button carrying `share`. In a channel meant to see answers
 * (`inChannel`), the channel itself; the response_url when the bot cannot post there.
 */
export class SlashCommandConversation implements Conversation {
  constructor(
    private readonly client: WebClient,
    private readonly channelId: string,
    private readonly responseUrl: string,
    private readonly logger: Logger,
    private readonly audience: { inChannel: boolean; share?: string } = { inChannel: true },
  ) {}

  async post(message: SlackMessage): Promise<PostedMessage> {
    if (!this.audience.inChannel) return ResponseUrlMessage.post(this.responseUrl, message, 'ephemeral', this.audience.share);
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
