/** `aws.signin` / `AWS Console Sign In via CloudTrail`: the detail is the CloudTrail sign-in record. */
import type { EventBridgeEvent, ParsedEvent } from '../types';
import { alertKey, required, text, time } from './fields';

function cloudTrailEventUrl(region: string, eventId: string): string {
  return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(eventId)}`;
}

export function parseRootLoginEvent(event: EventBridgeEvent): ParsedEvent {
  const record = event.detail;
  const identity = text(record.userIdentity?.type) ?? 'unknown identity';
  if (identity !== 'Root') return { kind: 'ignored', reason: `sign-in by ${identity}, not the root user` };
  // The same detail-type carries CheckMfa, SwitchRole and others; one sign-in is one ConsoleLogin.
  const eventName = text(record.eventName);
  if (eventName !== 'ConsoleLogin') return { kind: 'ignored', reason: `root ${eventName ?? 'sign-in event'} is not a console login` };
  const eventId = required(text(record.eventID), 'CloudTrail sign-in eventID');
  const eventTime = required(time(record.eventTime), 'CloudTrail sign-in eventTime');

  const accountId = text(record.recipientAccountId) ?? text(record.userIdentity?.accountId) ?? event.account;
  const region = text(record.awsRegion) ?? event.region;
  const from = text(record.sourceIPAddress) ?? 'an unknown address';
  const succeeded = record.responseElements?.ConsoleLogin === 'Success';
  const failure = text(record.errorMessage);
  const description = [
    !succeeded && failure !== undefined ? `Failure: ${failure}.` : undefined,
    `MFA used: ${text(record.additionalEventData?.MFAUsed) ?? 'unknown'}.`,
    `User agent: ${text(record.userAgent) ?? 'unknown'}.`,
  ];
  return {
    kind: 'observations',
    observations: [
      {
        key: alertKey('root-login', eventId),
        source: 'root-login',
        severity: succeeded ? 'critical' : 'high',
        title: succeeded ? `Root user signed in to the AWS console from ${from}` : `Failed root sign-in attempt from ${from}`,
        type: 'Root console sign-in',
        resource: { kind: 'account', id: accountId },
        accountId,
        region,
        firstSeen: eventTime,
        lastSeen: eventTime,
        count: 1,
        version: eventTime,
        description: description.filter((line) => line !== undefined).join(' '),
        consoleUrl: cloudTrailEventUrl(region, eventId),
      },
    ],
  };
}
