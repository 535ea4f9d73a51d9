import type { KnownBlock } from '@slack/types';
import type { SlackAction } from '../authorize';

export interface SlackMessage {
  /** The notification fallback; short. */
  text: string;
  blocks: KnownBlock[];
  /** Continuation posted as thread replies, when the content does not fit. */
  thread?: SlackMessage[];
  /** A step of work in progress, replaced by its result: never offered for sharing. */
  progress?: boolean;
}

export type { ScanProgressView } from '../../engine/scanService';

export interface CommandSummary {
  name: string;
  usage: string;
  summary: string;
  /** What the command needs the person to be allowed (`read` for everyone). */
  requires: SlackAction;
}
