import type { Logger } from './logger';
import type { WebClient } from './webClient';

/** Why a channel may not see findings, for the person who asked to share there. */
export type ShareVerdict = { ok: true } | { ok: false; reason: string };

interface ChannelFacts {
  externallyShared: boolean;
  expiresAt: number;
}

/**
 * Where answers may go. Findings are for the person who asked unless the channel is on
 * `slack.publicChannels`; sharing into a channel is allowed unless it is shared with another
 * organisation (Slack Connect), where the other company would read them, or its kind is unknown.
 */
export class ChannelPolicy {
  private readonly listed: ReadonlySet<string>;
  private readonly facts = new Map<string, ChannelFacts>();

  constructor(
    private readonly deps: { client: WebClient; publicChannels: readonly string[]; logger: Logger; cacheMs?: number; clock?: () => number },
  ) {
    this.listed = new Set(deps.publicChannels);
  }

  /** Answers typed here go straight to the channel. */
  isPublic(channelId: string): boolean {
    return this.listed.has(channelId);
  }

  async mayShare(channelId: string): Promise<ShareVerdict> {
    if (this.listed.has(channelId)) return { ok: true };
    const facts = await this.channelFacts(channelId);
    if (!facts) return { ok: false, reason: 'ftr-bot cannot tell whether this channel is shared with another organisation (it may not be a member); findings stay private here unless an admin lists the channel in `slack.publicChannels`.' };
    if (facts.externallyShared) return { ok: false, reason: 'this channel is shared with another organisation, which would read the findings; an admin can list it in `slack.publicChannels` if that is intended.' };
    return { ok: true };
  }

  /**
   * For channels an admin configured (alert routes, summaries): true only when the channel is known
   * to be shared with another organisation and is not listed, so that nothing is posted there.
   * A channel whose kind cannot be read is not held back: the configuration chose it.
   */
  async sharedOutsideUnlisted(channelId: string): Promise<boolean> {
    if (this.listed.has(channelId)) return false;
    return (await this.channelFacts(channelId))?.externallyShared === true;
  }

  private async channelFacts(channelId: string): Promise<ChannelFacts | undefined> {
    const now = (this.deps.clock ?? Date.now)();
    const known = this.facts.get(channelId);
    if (known && known.expiresAt > now) return known;
    try {
      const { channel } = await this.deps.client.conversations.info({ channel: channelId });
      const shared = channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
      const facts = { externallyShared: Boolean(shared?.is_ext_shared || shared?.is_pending_ext_shared), expiresAt: now + (this.deps.cacheMs ?? 10 * 60_000) };
      this.facts.set(channelId, facts);
      return facts;
    } catch (err) {
      this.deps.logger.info({ err, channel: channelId }, 'conversations.info failed: the channel counts as not shareable');
      return undefined;
    }
  }
}
