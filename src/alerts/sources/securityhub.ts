/**
 * `aws.securityhub` / `Security Hub Findings - Imported`: `detail.findings` holds ASFF findings.
 * GuardDuty findings also arrive this way; they get the key (and source, link and type) a direct
 * GuardDuty event gives them, so the two deliveries are one alert.
 */
import {
  MalformedEventError,
  type AlertObservation,
  type AlertResource,
  type AlertSeverity,
  type EventBridgeEvent,
  type ParsedEvent,
} from '../types';
import { alertKey, isObject, lastSegment, required, text, time } from './fields';
import { guardDutyConsoleUrl } from './guardduty';

const SEVERITY_BY_LABEL: Record<string, AlertSeverity> = { LOW: 'low', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

function securityHubConsoleUrl(region: string, findingId: string): string {
  // The console's search fragment takes the id encoded twice, as its own links do.
  const search = `Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(encodeURIComponent(findingId))}`;
  return `https://${region}.console.aws.amazon.com/securityhub/home?region=${region}#/findings?search=${search}`;
}

function isGuardDutyProduct(finding: Record<string, any>): boolean {
  return finding.ProductName === 'GuardDuty' || /:product\/aws\/guardduty$/.test(text(finding.ProductArn) ?? '');
}

/** Archived, resolved or suppressed in Security Hub, or a control check that passes: it can only close a card. */
function isResolved(finding: Record<string, any>): boolean {
  return (
    finding.RecordState === 'ARCHIVED' ||
    finding.Workflow?.Status === 'RESOLVED' ||
    finding.Workflow?.Status === 'SUPPRESSED' ||
    finding.Compliance?.Status === 'PASSED'
  );
}

function findingTypes(finding: Record<string, any>): string[] {
  const types: unknown = finding.Types ?? finding.FindingProviderFields?.Types;
  return Array.isArray(types) ? types.filter((t): t is string => text(t) !== undefined) : [];
}

/**
 * ASFF carries a GuardDuty type in `Types` as `<namespace>/<category>/<type>` with the type's own
 * `/` turned into `-`, e.g. `TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS`.
 */
function guardDutyType(types: string[]): string | undefined {
  for (const asffType of types) {
    const match = /([A-Za-z0-9]+:[A-Za-z0-9]+)-([^/]+)$/.exec(asffType);
    if (match) return `${match[1]}/${match[2]}`;
  }
  return undefined;
}

/** GuardDuty's `service.count`, which ASFF keeps (as a string) in ProductFields. */
function guardDutyCount(finding: Record<string, any>): number {
  const count = Number(finding.ProductFields?.['aws/guardduty/service/count']);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

function findingResource(resource: unknown, accountId: string): AlertResource {
  if (!isObject(resource)) return { kind: 'account', id: accountId };
  const id = text(resource.Id) ?? 'unknown resource';
  switch (resource.Type) {
    case 'AwsS3Bucket':
      return { kind: 'bucket', id: lastSegment(id, ':') };
    case 'AwsEc2Instance':
      return { kind: 'instance', id: lastSegment(id, '/') };
    case 'AwsIamAccessKey': {
      const user = text(resource.Details?.AwsIamAccessKey?.PrincipalName) ?? text(resource.Details?.AwsIamAccessKey?.UserName);
      return { kind: 'access-key', id: lastSegment(id, ':'), ...(user === undefined ? {} : { detail: `user ${user}` }) };
    }
    case 'AwsIamUser':
    case 'AwsIamRole':
      return { kind: 'principal', id };
    case 'AwsAccount':
      return { kind: 'account', id: lastSegment(id, ':') };
    default:
      return { kind: 'other', id, ...(text(resource.Type) === undefined ? {} : { detail: resource.Type }) };
  }
}

function findingObservation(finding: unknown, envelope: EventBridgeEvent): AlertObservation | undefined {
  if (!isObject(finding)) throw new MalformedEventError('a Security Hub finding is not an object');
  const id = required(text(finding.Id), 'Security Hub finding Id');
  const accountId = required(text(finding.AwsAccountId), 'Security Hub finding AwsAccountId');
  const label = required(text(finding.Severity?.Label), 'Security Hub finding Severity.Label');
  const updatedAt = required(time(finding.UpdatedAt), 'Security Hub finding UpdatedAt');
  const resolved = isResolved(finding);
  if (label === 'INFORMATIONAL' && !resolved) return undefined;
  // A resolving informational finding only closes a card, so its severity hardly matters.
  const severity = label === 'INFORMATIONAL' ? 'low' : required(SEVERITY_BY_LABEL[label], `Security Hub Severity.Label ${label}`);

  const region = text(finding.Region) ?? envelope.region;
  const types = findingTypes(finding);
  const guardDutyId = isGuardDutyProduct(finding) ? lastSegment(id, '/') : undefined;
  const type =
    (guardDutyId === undefined ? text(finding.Compliance?.SecurityControlId) : guardDutyType(types)) ??
    types[0] ??
    text(finding.GeneratorId) ??
    'Security Hub finding';
  const description = text(finding.Description);
  return {
    key: guardDutyId === undefined ? alertKey('securityhub', id) : alertKey('guardduty', guardDutyId),
    source: guardDutyId === undefined ? 'securityhub' : 'guardduty',
    severity,
    title: text(finding.Title) ?? type,
    type,
    resource: findingResource(finding.Resources?.[0], accountId),
    accountId,
    region,
    firstSeen: time(finding.FirstObservedAt) ?? time(finding.CreatedAt) ?? updatedAt,
    lastSeen: time(finding.LastObservedAt) ?? updatedAt,
    count: guardDutyId === undefined ? 1 : guardDutyCount(finding),
    version: updatedAt,
    ...(description === undefined ? {} : { description }),
    consoleUrl: guardDutyId === undefined ? securityHubConsoleUrl(region, id) : guardDutyConsoleUrl(region, guardDutyId),
    // The ASFF Id of a GuardDuty finding is the GuardDuty finding's ARN.
    finding: guardDutyId === undefined ? { id, ...(text(finding.ProductArn) ? { productArn: text(finding.ProductArn) } : {}) } : { id: guardDutyId, arn: id },
    ...(resolved ? { resolved: true } : {}),
  };
}

export function parseSecurityHubEvent(event: EventBridgeEvent): ParsedEvent {
  const findings: unknown = event.detail.findings;
  if (!Array.isArray(findings)) throw new MalformedEventError('Security Hub event detail has no findings array');
  const observations = findings
    .map((finding) => findingObservation(finding, event))
    .filter((observation): observation is AlertObservation => observation !== undefined);
  if (observations.length === 0) return { kind: 'ignored', reason: 'the Security Hub event has no finding that is not informational' };
  return { kind: 'observations', observations };
}
