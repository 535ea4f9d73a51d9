import type { AppConfig } from '../config/load';
import type { ChannelPolicy } from './channels';
import type { WebClient } from './webClient';
import type { Check } from '../core/types';
import type { CommandSummary } from './blocks';
import type { Conversation } from './conversation';
import type { Logger } from './logger';
import type { Roles } from './roles';
import type { RenderCache } from './renderCache';
import type { Authorization, SlackAction } from './authorize';
import type { Runbook } from './runbooks';
import type { DecisionLog, Store } from '../store';
import type { ScanService } from '../engine/scanService';

/** What every handler may use; built once by createSlackApp. */
export interface SlackServices {
  config: AppConfig;
  scans: ScanService;
  roles: Roles;
  authorization: Authorization;
  /** Rendered answers shared by requests that ask for the same one. */
  renders: RenderCache;
  runbooks: readonly Runbook[];
  checks: readonly Check[];
  /** Every `/ftr` subcommand, for help texts. */
  commands: readonly CommandSummary[];
  now: () => Date;
  logger: Logger;
  /** Aborted when the process shuts down and in-flight work runs out of time. */
  shutdown: AbortSignal;
  /** State shared with the alert pipeline (open alerts for `/ftr alerts` and the Home tab). */
  store: Store;
  /** Slack's Web API as the app: modals, file uploads and direct messages from commands. */
  client: WebClient;
  /** Which channels may see findings (`slack.publicChannels`, Slack Connect). */
  channels: ChannelPolicy;
  /** Attestations and exceptions: recording, revoking, and applying them to reports. */
  decisions: DecisionLog;
  /** Present when the alert queue is configured. */
  drills?: DrillStarter;
}

/** Puts a sample event through the real alert pipeline (`/ftr drill`). */
export interface DrillStarter {
  readonly kinds: readonly string[];
  start(input: { kind: string; userId: string; responseUrl?: string }): Promise<{ id: string }>;
}

export interface CommandContext {
  /** The text after the subcommand, trimmed. */
  args: string;
  userId: string;
  channelId: string;
  /** Whether the person who typed the command may do `action` (see Authorization). */
  may: (action: SlackAction) => Promise<boolean>;
  /** Where the command can answer later (a drill's result); absent outside slash commands. */
  responseUrl?: string;
  /** Opens a modal (views.open) within 3 seconds of the command; absent outside slash commands. */
  triggerId?: string;
  conversation: Conversation;
  services: SlackServices;
}

/** One `/ftr` subcommand: a module under `commands/`. */
export interface SlashCommand extends CommandSummary {
  run(ctx: CommandContext): Promise<void>;
}
