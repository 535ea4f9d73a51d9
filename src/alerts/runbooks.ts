import type { AlertObservation } from '../core/alert';
import { findRunbook, runbookForFinding, type Runbook } from '../slack/runbooks';

/** The shipped runbook for bucket and root sign-in alerts, which have no finding type of their own. */
const RUNBOOK_OF_SOURCE: Partial<Record<AlertObservation['source'], string>> = {
  's3-public': 'public-s3-bucket',
  'root-login': 'root-credential-misuse',
};

/** The runbook a responder should follow: by source, else by the finding type family (`Recon:*` → reconnaissance). */
export function runbookFor(alert: Pick<AlertObservation, 'source' | 'type'>, runbooks: readonly Runbook[]): Runbook | undefined {
  const bySource = RUNBOOK_OF_SOURCE[alert.source];
  return (bySource ? findRunbook(runbooks, bySource) : undefined) ?? runbookForFinding(runbooks, alert.type);
}
