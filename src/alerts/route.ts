import type { AlertsConfig } from '../config/alerts';
import { severityRank, type AlertObservation } from './types';

/**
 * The channel an alert goes to: the first route whose every given field matches (source,
 * minimum severity, account, region), else the default channel; undefined when neither.
 */
export function routeAlert(alert: AlertObservation, config: Pick<AlertsConfig, 'routes' | 'defaultChannel'>): string | undefined {
  const route = config.routes.find(
    (r) =>
      (r.sources === undefined || r.sources.includes(alert.source)) &&
      (r.minSeverity === undefined || severityRank(alert.severity) >= severityRank(r.minSeverity)) &&
      (r.accounts === undefined || r.accounts.includes(alert.accountId)) &&
      (r.regions === undefined || r.regions.includes(alert.region)),
  );
  return route?.channel ?? config.defaultChannel;
}
