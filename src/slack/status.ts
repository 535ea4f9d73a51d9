import { ScanSetupError } from '../engine/scanAccount';
import { ScanServiceClosedError } from '../engine/scanService';
import { storeFailureReason } from '../store';
import type { ScanReport } from '../engine/scan';
import { automatedRequirements, requirementPosture } from '../core/posture';
import type { ScanHistoryEntry } from '../store';
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

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** The week-ago scan is looked for among those of the fortnight before the report… */
const WEEK_AGO_WINDOW_MS = 2 * WEEK_MS;
/** …and among the newest of them only, however often the account is scanned. */
const WEEK_AGO_READ_LIMIT = 500;

/**
 * The scan to compare a report with, from history entries newest first: the newest generated at
 * least a week before the report, else the oldest one before the report; undefined when none is.
 */
export function weekAgoEntry(entries: readonly ScanHistoryEntry[], reportAt: Date): ScanHistoryEntry | undefined {
  const earlier = entries.filter((e) => Date.parse(e.generatedAt) < reportAt.getTime());
  return earlier.find((e) => Date.parse(e.generatedAt) <= reportAt.getTime() - WEEK_MS) ?? earlier.at(-1);
}

/** A reason fit for a Slack message: setup problems are explained, anything else points at the logs. */
export function userFacingReason(err: unknown): string {
  if (err instanceof ScanSetupError || err instanceof ShuttingDownError || err instanceof ScanServiceClosedError) return err.message;
  const store = storeFailureReason(err);
  if (store) return store;
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
  /** May start a scan (see Authorization). */
  canScan: boolean;
}): Promise<void> {
  const { services, display, canScan } = input;
  const { scans, config, now, logger } = services;
  const accountId = await scans.accountId();
  const overview = !input.section?.trim();
  /** Requirements met by the scan about a week before `report`: the overview's direction, left out when the history cannot be read. */
  const weekAgo = async (report: ScanReport) => {
    const reportAt = new Date(report.generatedAt);
    try {
      const history = await services.store.scanHistory(accountId, { since: new Date(reportAt.getTime() - WEEK_AGO_WINDOW_MS), limit: WEEK_AGO_READ_LIMIT });
      const entry = weekAgoEntry(history, reportAt);
      return entry && { generatedAt: new Date(entry.generatedAt), met: requirementPosture(entry.requirements, automatedRequirements(services.checks)).met };
    } catch (err) {
      logger.warn({ err, accountId }, 'status shown without its direction: the scan history cannot be read');
      return undefined;
    }
  };
  const render = async (report: ScanReport) =>
    statusMessage({
      report,
      section: input.section,
      now: now(),
      accountId,
      canRescan: canScan,
      checks: services.checks,
      weekAgo: overview ? await weekAgo(report) : undefined,
    });

  let scan = scans.current(accountId);
  if (!scan) {
    const latest = await scans.latest(accountId);
    const fresh = latest !== undefined && scans.ageOf(latest) <= config.slack.reuseScanMinutes * 60_000;
    if (latest && ((fresh && !input.force) || !canScan)) return display.show(await render(latest));
    if (!canScan) {
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
    done: async (report) => display.show(await render(report)),
    failed: (err) => display.show(errorMessage({ what: `scan ${accountId}`, reason: userFacingReason(err) })),
  });
}

/** A slash command's status answer: a new message in its channel, refusals to the requester. */
export async function showStatusForCommand(ctx: CommandContext, options: { force: boolean; canScan: boolean }): Promise<void> {
  await showStatus({
    services: ctx.services,
    display: new NewMessageDisplay(ctx.conversation),
    tellRequester: (message) => ctx.conversation.ephemeral(message),
    section: ctx.args || undefined,
    ...options,
  });
}
