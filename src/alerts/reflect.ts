import { ArchiveFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsAccess } from '../aws/clients';
import type { AlertRecord } from '../store';
import type { AlertAction } from './service';

/** `arn:aws:guardduty:<region>:<account>:detector/<detector id>/finding/<finding id>` → the detector id. */
function detectorOf(arn: string | undefined): string | undefined {
  return arn?.match(/:detector\/([^/]+)\/finding\//)?.[1];
}

/**
 * Mirrors a responder's action in AWS (`alerts.reflectInAws`): a Security Hub finding's workflow
 * becomes NOTIFIED on acknowledge and RESOLVED on resolve; a GuardDuty finding is archived on
 * resolve. Throws when AWS did not take it.
 */
export function awsReflector(aws: AwsAccess): (record: AlertRecord, action: AlertAction) => Promise<void> {
  return async (record, action) => {
    const { alert } = record;
    const finding = alert.finding;
    if (!finding || alert.drill || record.drillId) return;
    if (alert.source === 'securityhub' && finding.productArn) {
      const out = await aws.client(SecurityHubClient, alert.region).send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
          Workflow: { Status: action === 'acknowledge' ? 'NOTIFIED' : 'RESOLVED' },
          Note: { Text: `${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'} in Slack by ${record.acknowledgedBy ?? record.resolvedBy ?? 'a responder'} (ftr-bot)`, UpdatedBy: 'ftr-bot' },
        }),
      );
      const failed = out.UnprocessedFindings?.[0];
      if (failed) throw new Error(`Security Hub did not update the finding: ${failed.ErrorCode ?? ''} ${failed.ErrorMessage ?? ''}`.trim());
      return;
    }
    const detectorId = detectorOf(finding.arn);
    if (action === 'resolve' && record.key.startsWith('guardduty:') && detectorId) {
      await aws.client(GuardDutyClient, alert.region).send(new ArchiveFindingsCommand({ DetectorId: detectorId, FindingIds: [finding.id] }));
    }
  };
}
