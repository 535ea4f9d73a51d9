import type { WebClient } from './webClient';
import type { ScanReport } from '../engine/scan';
import { homeView, LIMITS, type ScanProgressView } from './blocks';
import type { HomeDecisions } from './blocks/home';
import type { SlackServices } from './command';
import { slackErrorCode } from './conversation';
import { followersOf } from './followScan';
import type { RunningScan } from '../engine/scanService';
import { requestScan, scanRefusalText } from './scanBudget';
import { followerDeps, scanFailedNote, withNote } from './status';

interface HomeState {
  accountId?: string;
  report?: ScanReport;
  scan?: RunningScan;
  openAlerts?: number;
  decisions?: HomeDecisions;
}

/** The account's attestations and exceptions for the viewer's Home; a store that cannot be read is said on the tab, not fatal. */
function homeDecisions(services: SlackServices, accountId: string, viewerId: string): Promise<HomeDecisions> {
  return services.decisions.decisions(accountId).then(
    (decisions) => ({ viewerId, decisions }),
    (err: unknown) => {
      services.logger.warn({ err }, 'App Home without attestations and exceptions: the store cannot be read');
      return 'unreadable' as const;
    },
  );
}

/** What the home tab shows; when AWS cannot be reached the tab still opens, without posture. */
async function homeState(services: SlackServices, viewerId: string): Promise<HomeState> {
  const openAlerts = await services.store
    .listAlerts({ states: ['open'] })
    .then((open) => open.length)
    .catch((err) => {
      services.logger.warn({ err }, 'App Home without the alert count: the store cannot be read');
      return undefined;
    });
  try {
    const accountId = await services.scans.accountId();
    const [report, decisions] = await Promise.all([services.scans.latest(accountId), homeDecisions(services, accountId, viewerId)]);
    return { accountId, report, scan: services.scans.current(accountId), openAlerts, decisions };
  } catch (err) {
    services.logger.warn({ err }, 'App Home without posture: the account is unknown');
    return { openAlerts };
  }
}

/**
 * Publishes the Home tab, passing the hash of the view this replica last saw so that Slack refuses
 * an update based on a stale view (`hash_conflict`) instead of overwriting a newer one.
 */
class HomePublisher {
  constructor(
    private readonly client: WebClient,
    private readonly services: SlackServices,
    private readonly userId: string,
    private readonly isAdmin: boolean,
    private hash: string | undefined,
  ) {}

  /** `note`: a line under the title (why a scan was not started, or failed). */
  async publish(state: HomeState, running?: ScanProgressView, options: { final?: boolean; note?: string } = {}): Promise<void> {
    const { services } = this;
    const view = homeView({ report: state.report, running, accountId: state.accountId, now: services.now(), isAdmin: this.isAdmin, commands: services.commands, checks: services.checks, openAlerts: state.openAlerts, adminsMissing: services.authorization.adminsMissing, decisions: state.decisions });
    if (options.note) view.blocks = withNote(view.blocks, options.note, LIMITS.homeBlocks);
    try {
      const published = await this.client.views.publish({ user_id: this.userId, view, ...(this.hash ? { hash: this.hash } : {}) });
      this.hash = published.view?.hash ?? undefined;
    } catch (err) {
      if (slackErrorCode(err) !== 'hash_conflict') throw err;
      // Someone published a newer view; a progress step may be dropped, the final state may not.
      services.logger.debug({ userId: this.userId }, 'the Home tab changed meanwhile');
      this.hash = undefined;
      if (options.final) await this.publish(state, running, { note: options.note });
    }
  }
}

/**
 * Publishes the App Home for one user: posture overview, last scan, commands. While a scan runs
 * (or after `start`, an admin's Scan now / Re-scan, within the cost limits) the tab follows its
 * progress until the result. Each person's Home follows a scan once: opening it again while the
 * scan runs takes over the following, without another publish.
 */
export async function showHome(input: { client: WebClient; services: SlackServices; userId: string; start?: boolean; hash?: string }): Promise<void> {
  const { client, services, userId } = input;
  const isAdmin = await services.authorization.authorize(userId, 'scan');
  const state = await homeState(services, userId);
  const home = new HomePublisher(client, services, userId, isAdmin, input.hash);
  let scan: RunningScan | undefined = state.scan;
  if (input.start && isAdmin && state.accountId && !scan) {
    const demand = await requestScan(services, state.accountId, userId);
    if ('refused' in demand) {
      await home.publish(state, undefined, { final: true, note: scanRefusalText(demand.refused, { accountId: state.accountId, now: services.now() }) });
      return;
    }
    scan = demand.scan;
  }
  if (!scan) {
    await home.publish(state, undefined, { final: true });
    return;
  }
  const followed = scan;
  await followersOf(followed, followerDeps(services)).follow(`home:${userId}`, {
    start: () => home.publish(state, followed.progress()),
    progress: { method: () => 'views.publish', show: (view) => home.publish(state, view) },
    finish: (outcome) =>
      'report' in outcome
        ? home.publish({ ...state, report: outcome.report }, undefined, { final: true })
        : // The failure is logged by the scan service; the tab keeps the last complete report and says what failed.
          home.publish(state, undefined, { final: true, note: scanFailedNote(outcome.err, state.report !== undefined) }),
  });
}
