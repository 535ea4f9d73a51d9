/** `aws.guardduty` / `GuardDuty Finding`: the event's detail is the finding, as GetFindings returns it. */
import type { AlertResource, AlertSeverity, EventBridgeEvent, ParsedEvent } from '../types';
import { alertKey, isObject, num, required, text, time } from './fields';

/**
 * GuardDuty's documented bands: low 1.0–3.9, medium 4.0–6.9, high 7.0–8.9, critical 9.0–10.0
 * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html).
 */
function guardDutySeverity(score: number): AlertSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

export function guardDutyConsoleUrl(region: string, findingId: string): string {
  return `https://${region}.console.aws.amazon.com/guardduty/home?region=${region}#/findings?fId=${encodeURIComponent(findingId)}`;
}

/** Where GuardDuty names resources it has no dedicated card kind for, by `resourceType`. */
const OTHER_RESOURCE_NAMES: Record<string, (resource: Record<string, any>) => unknown> = {
  EKSCluster: (r) => r.eksClusterDetails?.name,
  ECSCluster: (r) => r.ecsClusterDetails?.name,
  Lambda: (r) => r.lambdaDetails?.functionName,
  RDSDBInstance: (r) => r.rdsDbInstanceDetails?.dbInstanceIdentifier,
  Container: (r) => r.containerDetails?.name,
};

function findingResource(resource: Record<string, any>): AlertResource {
  const resourceType = text(resource.resourceType) ?? 'unknown resource';
  const user = text(resource.accessKeyDetails?.userName);
  const userDetail = user === undefined ? {} : { detail: `user ${user}` };
  const instanceId = text(resource.instanceDetails?.instanceId);
  if (resourceType === 'Instance' && instanceId) return { kind: 'instance', id: instanceId };
  const bucket = text(resource.s3BucketDetails?.[0]?.name);
  if (resourceType === 'S3Bucket' && bucket) return { kind: 'bucket', id: bucket, ...userDetail };
  const accessKeyId = text(resource.accessKeyDetails?.accessKeyId);
  if (accessKeyId) return { kind: 'access-key', id: accessKeyId, ...userDetail };
  const name = text(OTHER_RESOURCE_NAMES[resourceType]?.(resource));
  return name === undefined ? { kind: 'other', id: resourceType } : { kind: 'other', id: name, detail: resourceType };
}

export function parseGuardDutyEvent(event: EventBridgeEvent): ParsedEvent {
  const finding = event.detail;
  const id = required(text(finding.id), 'GuardDuty finding id');
  const type = required(text(finding.type), 'GuardDuty finding type');
  const score = required(num(finding.severity), 'GuardDuty finding severity');
  const updatedAt = required(time(finding.updatedAt), 'GuardDuty finding updatedAt');
  const service = isObject(finding.service) ? finding.service : {};
  const region = text(finding.region) ?? event.region;
  const description = text(finding.description);
  return {
    kind: 'observations',
    observations: [
      {
        key: alertKey('guardduty', id),
        source: 'guardduty',
        severity: guardDutySeverity(score),
        title: text(finding.title) ?? type,
        type,
        resource: findingResource(isObject(finding.resource) ? finding.resource : {}),
        accountId: text(finding.accountId) ?? event.account,
        region,
        firstSeen: time(service.eventFirstSeen) ?? time(finding.createdAt) ?? updatedAt,
        lastSeen: time(service.eventLastSeen) ?? updatedAt,
        count: num(service.count) ?? 1,
        version: updatedAt,
        ...(description === undefined ? {} : { description }),
        consoleUrl: guardDutyConsoleUrl(region, id),
        finding: { id, ...(text(finding.arn) ? { arn: text(finding.arn) } : {}) },
        ...(service.archived === true ? { resolved: true } : {}),
      },
    ],
  };
}
