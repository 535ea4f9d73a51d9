import type { WebClient } from './webClient';
import type { ScanReport } from '../engine/scan';
import { homeView, type ScanProgressView } from './blocks';
import type { SlackServices } from './command';
import { followScan } from './followScan';
import type { RunningScan } from './scanService';

interface HomeState {
  accountId?: string;
  report?: ScanReport;
  scan?: RunningScan;
  openAlerts?: number;
}

/** What the home tab shows; when AWS cannot be reached the tab still opens, without posture. */
async function homeState(services: SlackServices): Promise<HomeState> {
  const openAlerts = await services.store
    .listAlerts({ states: ['open'] })
    .then((open) => open.length)
    .catch((err) => {
      services.logger.warn({ err }, 'App Home without the alert count: the store cannot be read');
      return undefined;
    });
  try {
    const accountId = await services.scans.accountId();
    return { accountId, report: await services.scans.latest(accountId), scan: services.scans.current(accountId), openAlerts };
  } catch (err) {
    services.logger.warn({ err }, 'App Home without posture: the account is unknown');
    return { openAlerts };
  }
}

function publish(client: WebClient, services: SlackServices, userId: string, isAdmin: boolean, state: HomeState, running?: ScanProgressView) {
  const view = homeView({ report: state.report, running, accountId: state.accountId, now: services.now(), isAdmin, commands: services.commands, checks: services.checks, openAlerts: state.openAlerts });
  return client.views.publish({ user_id: userId, view });
}

/**
 * Publishes the App Home for one user: posture overview, last scan, commands. While a scan runs
 * (or after `start`, for an admin's Scan now / Re-scan), the tab follows its progress until the result.
 */
export async function showHome(input: { client: WebClient; services: SlackServices; userId: string; start?: boolean }): Promise<void> {
  const { client, services, userId } = input;
  const isAdmin = await services.roles.isAdmin(userId);
  const state = await homeState(services);
  const scan = input.start && isAdmin && state.accountId ? services.scans.start(state.accountId) : state.scan;
  if (!scan) {
    await publish(client, services, userId, isAdmin, state);
    return;
  }
  await followScan({
    scan,
    intervalMs: services.config.slack.progressUpdateSeconds * 1000,
    signal: services.shutdown,
    logger: services.logger,
    progress: async (view) => {
      await publish(client, services, userId, isAdmin, state, view);
    },
    done: async (report) => {
      await publish(client, services, userId, isAdmin, { ...state, report });
    },
    // The failure is logged by the scan service; the tab goes back to the last complete report.
    failed: async () => {
      await publish(client, services, userId, isAdmin, state);
    },
  });
}
