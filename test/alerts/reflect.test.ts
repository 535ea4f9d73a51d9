/**
 * Mirroring acknowledge/resolve in AWS. moto implements neither Security Hub's
 * BatchUpdateFindings nor GuardDuty's ArchiveFindings, so the clients are mocked with response
 * shapes from the API reference.
 */
import { ArchiveFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { awsReflector } from '../../src/alerts/reflect';
import { acknowledged, newAlertRecord, resolved } from '../../src/alerts/records';
import { parseEvent } from '../../src/alerts/sources';
import type { AlertObservation } from '../../src/alerts/types';
import { testAccess } from '../support/aws';
import { fixtureEvent } from './queue';

const securityHub = mockClient(SecurityHubClient);
const guardDuty = mockClient(GuardDutyClient);
const NOW = new Date('2024-03-05T15:00:00Z');

beforeEach(() => {
  securityHub.reset();
  guardDuty.reset();
});

function observed(fixture: string): AlertObservation {
  const parsed = parseEvent(JSON.stringify(fixtureEvent(fixture)));
  if (parsed.kind !== 'observations') throw new Error(`${fixture} gave ${parsed.kind}`);
  return parsed.observations[0];
}

test('Security Hub: NOTIFIED on acknowledge, RESOLVED on resolve, for the finding the alert came from', async () => {
  securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  const aws = testAccess();
  const reflect = awsReflector(aws);
  const record = newAlertRecord({ observation: observed('securityhub-control-failed'), eventId: 'e', channel: 'C1', now: NOW });
  await reflect(acknowledged(record, 'U0RESP', NOW)!, 'acknowledge');
  await reflect(resolved(record, 'U0RESP', NOW)!, 'resolve');
  const calls = securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input);
  expect(calls.map((c) => c.Workflow?.Status)).toEqual(['NOTIFIED', 'RESOLVED']);
  expect(calls[0].FindingIdentifiers).toEqual([{ Id: record.alert.finding!.id, ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub' }]);
  expect(calls[0].Note?.Text).toContain('U0RESP');
  aws.destroy();
});

test('Security Hub refusing the update is an error, not a silent success', async () => {
  securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [{ FindingIdentifier: { Id: 'x', ProductArn: 'y' }, ErrorCode: 'FindingNotFound', ErrorMessage: 'no such finding' }] });
  const aws = testAccess();
  const record = newAlertRecord({ observation: observed('securityhub-control-failed'), eventId: 'e', channel: 'C1', now: NOW });
  await expect(awsReflector(aws)(record, 'acknowledge')).rejects.toThrow(/FindingNotFound/);
  aws.destroy();
});

test('GuardDuty: archived on resolve (its detector from the finding ARN), untouched on acknowledge; drills never reach AWS', async () => {
  guardDuty.on(ArchiveFindingsCommand).resolves({});
  const aws = testAccess();
  const reflect = awsReflector(aws);
  const record = newAlertRecord({ observation: observed('guardduty-instance'), eventId: 'e', channel: 'C1', now: NOW });
  await reflect(record, 'acknowledge');
  expect(guardDuty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
  await reflect(record, 'resolve');
  expect(guardDuty.commandCalls(ArchiveFindingsCommand).map((c) => c.args[0].input)).toEqual([
    { DetectorId: '123456abcd7890ef123456abcd7890ef', FindingIds: ['16afba5c5c43e07c9e3e5e2e544e95df'] },
  ]);
  await reflect({ ...record, drillId: 'd' }, 'resolve');
  expect(guardDuty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
  aws.destroy();
});
