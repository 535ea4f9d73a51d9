import type { AnyBlock, ContextBlock } from '@slack/types';
import { ScanSetupError } from '../engine/scanAccount';
import { ScanServiceClosedError } from '../engine/scanService';
import type { AccountRef, ScanProgressView } from '../engine/scanService';
import pLimit from 'p-limit';
import { accountsStatusMessage } from './blocks/accounts';
import { storeFailureReason } from '../store';
import type { ScanReport } from '../engine/scan';
import { automatedRequirements, requirementPosture } from '../core/posture';
import { requirements } from '../core/requirements';
import type { ScanHistoryEntry } from '../store';
import { errorMessage, LIMITS, scanProgressMessage, statusMessage, type SlackMessage } from './blocks';
import { closestMatches, formatAge, listWithMore, resolveSection } from './blocks/format';
import { context, section } from './blocks/kit';
import type { CommandContext, SlackServices } from './command';
import { ChannelMessage, type Conversation, type PostedMessage } from './conversation';
import { followersOf, ShuttingDownError, type ScanFollower, type ScanFollowersDeps, type ScanOutcome } from './followScan';
import { codeSpan, escapeMrkdwn, truncate } from './mrkdwn';
import { requestScan, scanRefusalMessage } from './scanBudget';

/** Where a status is shown: the first `show` creates the message, later ones replace it. */
export interface StatusDisplay {
  show(message: SlackMessage): Promise<void>;
  readonly frequentUpdates: boolean;
  /** Which message it is (`channel:ts`, or a response_url), once known: a scan follows each message once. */
  readonly place?: string;
  /** The channel whose members all see the message, when it was posted there. */
  readonly channel?: string;
}

/** `channel:ts`: the name of a channel message, whichever way it was reached. */
export const messagePlace = (channel: string, ts: string) => `${channel}:${ts}`;

/** A new message in the conversation, then updates of it. */
export class NewMessageDisplay implements StatusDisplay {
  private posted?: PostedMessage;

  constructor(private readonly conversation: Conversation) {}

  get frequentUpdates(): boolean {
    return this.posted?.frequentUpdates ?? true;
  }

  get place(): string | undefined {
    return this.posted instanceof ChannelMessage ? messagePlace(this.posted.channel, this.posted.ts) : undefined;
  }

  get channel(): string | undefined {
    return this.posted instanceof ChannelMessage ? this.posted.channel : undefined;
  }

  async show(message: SlackMessage): Promise<void> {
    if (this.posted) await this.posted.update(message);
    else this.posted = await this.conversation.post(message);
  }
}

/** An existing message (the one with the Re-scan button), updated in place. */
export class ExistingMessageDisplay implements StatusDisplay {
  constructor(
    private readonly message: PostedMessage,
    readonly place?: string,
  ) {}

  get frequentUpdates(): boolean {
    return this.message.frequentUpdates;
  }

  show(message: SlackMessage): Promise<void> {
    return this.message.update(message);
  }
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

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
 * `blocks` with a context line after the first `at` blocks (a status: after its title and
 * provenance); when no block is left under `maxBlocks`, the line joins the first context block.
 */
export function withNote<B extends AnyBlock>(blocks: readonly B[], note: string, maxBlocks: number, at = 2): (B | ContextBlock)[] {
  if (blocks.length < maxBlocks) return [...blocks.slice(0, at), context(note), ...blocks.slice(at)];
  const i = blocks.findIndex((b) => b.type === 'context' && (b as unknown as ContextBlock).elements.length < LIMITS.contextElements);
  if (i < 0) return [...blocks];
  const target = blocks[i] as unknown as ContextBlock;
  const joined: ContextBlock = { ...target, elements: [...target.elements, ...context(note).elements] };
  return blocks.map((b, j) => (j === i ? joined : b));
}

/** "A scan is running (12/40 checks, started 1 minute ago); this message will update when it finishes." */
export function scanRunningNote(view: ScanProgressView, now: Date): string {
  const step = view.total > 0 ? `${view.done}/${view.total} checks, ` : '';
  return `:hourglass_flowing_sand: *A scan is running* (${step}started ${formatAge(view.startedAt, now)}); this message will update when it finishes.`;
}

/** ":warning: The scan failed: <reason> This is the last complete result." */
export function scanFailedNote(err: unknown, lastResultShown = true): string {
  return `:warning: *The scan failed:* ${escapeMrkdwn(truncate(userFacingReason(err), 500))}${lastResultShown ? ' This is the last complete result.' : ''}`;
}

/** The answer to a section nobody has: the closest sections by ID, title or short name, and the list. */
function unknownSectionMessage(query: string): SlackMessage {
  const sections = requirements().sections;
  const names = new Map<string, string>();
  for (const s of sections) {
    names.set(s.id, s.id);
    names.set(s.title, s.id);
    if (s.id.startsWith('WAS-')) names.set(s.id.slice('WAS-'.length), s.id);
  }
  const closest = [...new Set(closestMatches(query, names.keys()).map((name) => names.get(name)!))];
  const asked = truncate(query, 100);
  const suggestion = closest.length > 0 ? ` Did you mean ${closest.map(codeSpan).join(' or ')}?` : '';
  return {
    text: `Unknown section ${escapeMrkdwn(asked)}`,
    blocks: [
      section(`:grey_question: There is no section ${codeSpan(asked)}.${suggestion} Nothing was scanned.`),
      context(`Sections: ${sections.map((s) => codeSpan(s.id)).join(', ')}. A number (\`7\`) or a requirement ID (\`FTR-7.1\`) works too.`),
    ],
  };
}

/** How the scans' followers pace their edits and learn of shutdown. */
export function followerDeps(services: SlackServices): ScanFollowersDeps {
  return { baseIntervalMs: services.config.slack.progressUpdateSeconds * 1000, shutdown: services.shutdown, logger: services.logger };
}

/**
 * The posture of the scanned account. A section is checked before anything else (a mistake is
 * answered privately). A recent report is shown as it is; otherwise (or when `force`) those who
 * may start a scan start one, within the cost limits (see scanBudget), or join the one running.
 * While a scan runs, the last report is shown at once with a line saying so, or the progress when
 * there is none; the message then shows the result, or keeps the report and says what failed.
 * Those who may not scan see the latest report, however old, and never start one.
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
  /** Who asked: a scan they start counts against their cooldown. */
  userId: string;
  /** Where the request was made: while a scan runs, one answer in a channel is enough for it. */
  channelId?: string;
  /** The account shown; the bot's own when absent. */
  accountId?: string;
}): Promise<void> {
  const { services, display, canScan, tellRequester } = input;
  const { scans, config, now, logger } = services;
  const sectionAsked = input.section?.trim() || undefined;
  const wanted = sectionAsked ? resolveSection(sectionAsked) : undefined;
  if (sectionAsked && !wanted) return tellRequester(unknownSectionMessage(sectionAsked));
  const accountId = input.accountId ?? (await scans.accountId());
  /** Requirements met by the scan about a week before `report`: the overview's direction, left out when the history cannot be read. */
  const weekAgo = async (report: ScanReport) => {
    const reportAt = new Date(report.generatedAt);
    try {
      // The newest entry a week before the report (one read), else, for a history younger than a
      // week, the entries since then (few).
      const cutoff = new Date(reportAt.getTime() - WEEK_MS);
      const [weekOld] = await services.store.scanHistory(accountId, { until: cutoff, limit: 1 });
      const entry = weekOld ?? weekAgoEntry(await services.store.scanHistory(accountId, { since: cutoff }), reportAt);
      return entry && { generatedAt: new Date(entry.generatedAt), met: requirementPosture(entry.requirements, automatedRequirements(services.checks)).met };
    } catch (err) {
      logger.warn({ err, accountId }, 'status shown without its direction: the scan history cannot be read');
      return undefined;
    }
  };
  const render = (report: ScanReport) => {
    const at = now();
    // The week-ago entry of a report does not change while the report stays the latest.
    const key = [accountId, scans.viewKey(report), sectionAsked ?? '', canScan, Math.floor(at.getTime() / 60_000)].join('|');
    return services.renders.get(key, async () => {
      const earlier = wanted ? undefined : await weekAgo(report);
      return statusMessage({ report, section: sectionAsked, now: at, accountId, canRescan: canScan, checks: services.checks, runbooks: services.runbooks, weekAgo: earlier });
    });
  };

  let scan = scans.current(accountId);
  // While a scan runs, the last report is only a preview: without one, the progress is shown.
  const latest = scan
    ? await scans.latest(accountId).catch((err: unknown) => {
        logger.warn({ err, accountId }, 'no report to show while the scan runs: the store cannot be read');
        return undefined;
      })
    : await scans.latest(accountId);
  if (!scan) {
    const fresh = latest !== undefined && scans.ageOf(latest) <= config.slack.reuseScanMinutes * 60_000;
    if (latest && ((fresh && !input.force) || !canScan)) return display.show(await render(latest));
    if (!canScan) {
      return tellRequester(
        errorMessage({
          what: `show the FTR status of ${accountId}`,
          reason: 'No scan has finished yet, and only FTR admins can start one. Ask an admin to run /ftr scan.',
        }),
      );
    }
    const demand = await requestScan(services, accountId, input.userId);
    if ('refused' in demand) {
      // A stale status is shown as it is; a scan asked for, or no report at all, gets the reason.
      if (input.force || !latest) await tellRequester(scanRefusalMessage(demand.refused, { accountId, now: now(), lastResultShown: latest !== undefined }));
      if (latest) await display.show(await render(latest));
      return;
    }
    scan = demand.scan;
  }

  const running = async (view: ScanProgressView): Promise<SlackMessage> => {
    if (!latest) return scanProgressMessage({ progress: view, accountId, now: now() });
    const report = await render(latest);
    // A preview: its thread would be posted again with the result, and it is not for sharing.
    return { text: report.text, blocks: withNote(report.blocks, scanRunningNote(view, now()), LIMITS.messageBlocks), progress: true };
  };
  const finished = async (outcome: ScanOutcome): Promise<SlackMessage> => {
    if ('report' in outcome) return render(outcome.report);
    if (!latest) return errorMessage({ what: `scan ${accountId}`, reason: userFacingReason(outcome.err) });
    const report = await render(latest);
    return { ...report, blocks: withNote(report.blocks, scanFailedNote(outcome.err), LIMITS.messageBlocks) };
  };
  const follower: ScanFollower = {
    // A report shown meanwhile is not edited until the result; progress alone is, where edits are cheap.
    progress: latest
      ? undefined
      : { method: () => (display.frequentUpdates ? 'chat.update' : undefined), show: (view) => display.show(scanProgressMessage({ progress: view, accountId, now: now() })) },
    finish: async (outcome) => display.show(await finished(outcome)),
  };
  const followers = followersOf(scan, followerDeps(services));
  const current = scan;
  if (display.place) {
    await followers.follow(display.place, { ...follower, start: async () => display.show(await running(current.progress())) });
    return;
  }
  const showFirst = async () => {
    await display.show(await running(current.progress()));
    return input.channelId !== undefined && display.channel === input.channelId;
  };
  if (input.channelId === undefined) await showFirst();
  else if ((await followers.answerInChannel(input.channelId, wanted?.id ?? 'overview', showFirst)) === 'shown') {
    return tellRequester({
      text: 'A scan is running; the status in this channel will show its result',
      blocks: [section(`:hourglass_flowing_sand: A scan of ${codeSpan(accountId)} is running; the status posted in this channel a moment ago will show its result when it finishes.`)],
    });
  }
  await followers.follow(display.place ?? followers.uniqueKey(), follower);
}

/** The answer to an account nobody scans (or to `/ftr scan all`): the closest names and the list. */
function unknownAccountMessage(asked: string, accounts: readonly AccountRef[], scanning: boolean): SlackMessage {
  const names = accounts.map((a) => a.alias ?? a.accountId);
  const list = `Accounts: ${listWithMore(names, 20)}.`;
  if (scanning && asked.toLowerCase() === 'all') {
    return errorMessage({ what: 'scan every account', reason: `Scans run one account at a time: /ftr scan <account id or alias>. ${list}` });
  }
  const closest = closestMatches(asked, names, 3);
  const shown = truncate(asked, 100);
  return errorMessage({
    what: `show ${shown}`,
    reason: `${shown} is neither a scanned account nor a section.${closest.length > 0 ? ` Did you mean ${closest.join(', ')}?` : ''} ${list}`,
  });
}

/**
 * A slash command's status answer: a new message in its conversation, refusals and mistakes to the
 * requester. The first word may name an account (id or alias); `all`, or nothing with several
 * accounts, shows every account worst first (status only: a scan is of one account, the bot's own
 * unless named).
 */
export async function showStatusForCommand(ctx: CommandContext, options: { force: boolean; canScan: boolean }): Promise<void> {
  const { scans } = ctx.services;
  const display = new NewMessageDisplay(ctx.conversation);
  const [first = '', ...rest] = ctx.args.split(/\s+/).filter(Boolean);
  const accounts = await scans.accounts();
  const all = first.toLowerCase() === 'all';
  if (!options.force && (all || (!first && accounts.length > 1))) {
    return display.show(await accountsStatus(ctx.services, accounts));
  }
  const named = first && !all ? await scans.findAccount(first) : undefined;
  // With one account, a word that is not a section is answered as a section nobody has.
  const unknownAccount = first !== '' && !named && (all || /^\d{12}$/.test(first) || (accounts.length > 1 && !resolveSection(first)));
  if (unknownAccount) return ctx.conversation.ephemeral(unknownAccountMessage(first, accounts, options.force));
  await showStatus({
    services: ctx.services,
    display,
    tellRequester: (message) => ctx.conversation.ephemeral(message),
    section: (named ? rest.join(' ') : ctx.args) || undefined,
    accountId: named?.accountId,
    userId: ctx.userId,
    channelId: ctx.channelId,
    ...options,
  });
}

/** Every scanned account from its latest report, the worst first. */
async function accountsStatus(services: SlackServices, accounts: readonly AccountRef[]): Promise<SlackMessage> {
  const limit = pLimit(4);
  const standings = await Promise.all(
    accounts.map((account) => limit(async () => ({ ...account, report: await services.scans.latest(account.accountId) }))),
  );
  return accountsStatusMessage({ accounts: standings, checks: services.checks, now: services.now() });
}
