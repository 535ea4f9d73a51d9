/**
 * From an alert queue message body (an EventBridge event) to what it means for the pipeline.
 * A body that is not an event the bot understands throws `MalformedEventError` (dead-letter
 * queue); an event of a kind the bot does not alert on is `ignored`.
 */
import { DRILL_EVENT_PREFIX, MalformedEventError, type EventBridgeEvent, type ParsedEvent } from '../types';
import { isObject, text } from './fields';
import { parseGuardDutyEvent } from './guardduty';
import { parseRootLoginEvent } from './rootLogin';
import { parseAccessAnalyzerEvent, parseS3ApiCallEvent } from './s3Public';
import { parseSecurityHubEvent } from './securityhub';

interface SourceParser {
  source: string;
  detailType: string;
  parse: (event: EventBridgeEvent) => ParsedEvent;
}

const PARSERS: SourceParser[] = [
  { source: 'aws.guardduty', detailType: 'GuardDuty Finding', parse: parseGuardDutyEvent },
  { source: 'aws.securityhub', detailType: 'Security Hub Findings - Imported', parse: parseSecurityHubEvent },
  { source: 'aws.signin', detailType: 'AWS Console Sign In via CloudTrail', parse: parseRootLoginEvent },
  { source: 'aws.s3', detailType: 'AWS API Call via CloudTrail', parse: parseS3ApiCallEvent },
  // Account-level Block Public Access is an S3 Control call; CloudTrail files it under s3, this takes either.
  { source: 'aws.s3control', detailType: 'AWS API Call via CloudTrail', parse: parseS3ApiCallEvent },
  { source: 'aws.access-analyzer', detailType: 'Access Analyzer Finding', parse: parseAccessAnalyzerEvent },
];

const ENVELOPE_STRINGS = ['id', 'source', 'detail-type', 'account', 'region', 'time'] as const;

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function parseEnvelope(body: string): EventBridgeEvent {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new MalformedEventError('message body is not JSON');
  }
  if (!isObject(value)) throw new MalformedEventError(`message body is ${describeJson(value)}, not an EventBridge event`);
  for (const field of ENVELOPE_STRINGS) {
    if (text(value[field]) === undefined) throw new MalformedEventError(`EventBridge event has no "${field}" string`);
  }
  if (!isObject(value.detail)) throw new MalformedEventError('EventBridge event has no "detail" object');
  return value as EventBridgeEvent;
}

function markDrill(parsed: ParsedEvent): ParsedEvent {
  switch (parsed.kind) {
    case 'observations':
      return { kind: 'observations', observations: parsed.observations.map((o) => ({ ...o, drill: true })) };
    case 'bucket-change':
      return { kind: 'bucket-change', change: { ...parsed.change, drill: true } };
    case 'ignored':
      return parsed;
  }
}

export function parseEvent(body: string): ParsedEvent {
  const event = parseEnvelope(body);
  const parser = PARSERS.find((p) => p.source === event.source && p.detailType === event['detail-type']);
  if (parser === undefined) return { kind: 'ignored', reason: `no alert source for ${event.source} / ${event['detail-type']}` };
  const parsed = parser.parse(event);
  return event.id.startsWith(DRILL_EVENT_PREFIX) ? markDrill(parsed) : parsed;
}
