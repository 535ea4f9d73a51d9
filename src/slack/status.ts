import { ScanSetupError } from '../cli/scanCommand';
import type { ScanReport } from '../engine/scan';
import { errorMessage, scanProgressMessage, statusMessage, type SlackMessage } from './blocks';
import type { CommandContext, SlackServices } from './command';
import type { Conversation, PostedMessage } from './conversation';
import { followScan, ShuttingDownError } from './followScan';

/** Where a status is shown: the first `show` creates the message, later ones replace it. */
export interface StatusDisplay {
  show(message: SlackMessage): Promise<void>;
  readonly frequentUpdates: boolean;
}

/** A new message in the conversation, then updates of it. */
export class NewMessageDisplay implements StatusDisplay {
  private posted?: PostedMessage;

  constructor(private readonly conversation: Conversation) {}

  get frequentUpdates(): boolean {
    return this.posted?.frequentUpdates ?? true;
  }

  async show(message: SlackMessage): Promise<void> {
    if (this.posted) await this.posted.update(message);
    else this.posted = await this.conversation.post(message);
  }
}

/** An existing message (the one with the Re-scan button), updated in place. */
export class ExistingMessageDisplay implements StatusDisplay {
  constructor(private readonly message: PostedMessage) {}

  get frequentUpdates(): boolean {
    return this.message.frequentUpdates;
  }

  show(message: SlackMessage): Promise<void> {
    return this.message.update(message);
  }
}

/** A reason fit for a Slack message: setup problems are explained, anything else points at the logs. */
export function userFacingReason(err: unknown): string {
  if (err instanceof ScanSetupError || err instanceof ShuttingDownError) return err.message;
  return 'an unexpected error; the ftr-bot logs have the details.';
}

/**
 * The posture of the scanned account: a recent report is shown as it is; otherwise (or when
 * `force`) admins start a scan, or join the one running, and the message follows its progress
 * until the result replaces it. Non-admins see the latest report, however old, and never start one.
 */
export async function showStatus(input: {
  services: SlackServices;
  display: StatusDisplay;
  /** Says something to the requester alone. */
  tellRequester: (message: SlackMessage) => Promise<void>;
  section?: string;
  force: boolean;
  isAdmin: boolean;
}): Promise<void> {
  const { services, display, isAdmin } = input;
  const { scans, config, now, logger } = services;
  const accountId = await scans.accountId();
  const render = (report: ScanReport) =>
    statusMessage({ report, section: input.section, now: now(), accountId, canRescan: isAdmin, checks: services.checks });

  let scan = scans.current(accountId);
  if (!scan) {
    const latest = await scans.latest(accountId);
    const fresh = latest !== undefined && scans.ageOf(latest) <= config.slack.reuseScanMinutes * 60_000;
    if (latest && ((fresh && !input.force) || !isAdmin)) return display.show(render(latest));
    if (!isAdmin) {
      return input.tellRequester(
        errorMessage({
          what: `show the FTR status of ${accountId}`,
          reason: 'No scan has finished yet, and only FTR admins can start one. Ask an admin to run /ftr scan.',
        }),
      );
    }
    scan = scans.start(accountId);
  }

  let shown = false;
  await followScan({
    scan,
    intervalMs: config.slack.progressUpdateSeconds * 1000,
    signal: services.shutdown,
    logger,
    progress: async (progress) => {
      // A response_url allows only a few uses: show the first step and then only the result.
      if (shown && !display.frequentUpdates) return;
      await display.show(scanProgressMessage({ progress, accountId, now: now() }));
      shown = true;
    },
    done: (report) => display.show(render(report)),
    failed: (err) => display.show(errorMessage({ what: `scan ${accountId}`, reason: userFacingReason(err) })),
  });
}

/** A slash command's status answer: a new message in its channel, refusals to the requester. */
export async function showStatusForCommand(ctx: CommandContext, options: { force: boolean; isAdmin: boolean }): Promise<void> {
  await showStatus({
    services: ctx.services,
    display: new NewMessageDisplay(ctx.conversation),
    tellRequester: (message) => ctx.conversation.ephemeral(message),
    section: ctx.args || undefined,
    ...options,
  });
}
