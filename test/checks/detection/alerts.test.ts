import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, type PutRuleCommandInput } from '@aws-sdk/client-eventbridge';
import type { AwsAccess } from '../../../src/aws/clients';
import { guardDutyFindingsRouted, matchesGuardDutyFindings } from '../../../src/checks/detection/guardDutyFindingAlerts';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

describe('eventbridge_guardduty_findings_routed (WAS-IR-2, WAS-DET-3) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  const topic = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:security-alerts`;

  async function rule(input: PutRuleCommandInput, targets: string[] = []) {
    const events = aws.client(EventBridgeClient, 'us-east-1');
    await events.send(new PutRuleCommand(input));
    if (targets.length > 0) await events.send(new PutTargetsCommand({ Rule: input.Name, Targets: targets.map((Arn, i) => ({ Id: `t${i}`, Arn })) }));
  }

  it('passes a region whose enabled rule sends GuardDuty findings to a target, naming rule and target', async () => {
    await rule({ Name: 'ec2-state', EventPattern: JSON.stringify({ source: ['aws.ec2'] }) }, [topic]);
    await rule({ Name: 'guardduty-to-slack', EventPattern: JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] }) }, [topic]);
    const report = await scanChecks([guardDutyFindingsRouted], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const pass = resultFor(report, 'eventbridge_guardduty_findings_routed', 'account', 'us-east-1');
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe(`GuardDuty findings in us-east-1 are delivered by EventBridge rule guardduty-to-slack → ${topic}.`);
    expect(pass.refs).toEqual(['WAS-IR-2', 'WAS-DET-3']);
    const fail = resultFor(report, 'eventbridge_guardduty_findings_routed', 'account', 'eu-west-1');
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('No enabled EventBridge rule on the default bus in eu-west-1 delivers GuardDuty findings anywhere.');
  });

  it('fails when the GuardDuty rules are disabled or have no targets, naming them', async () => {
    await rule({ Name: 'gd-off', State: 'DISABLED', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) }, [topic]);
    await rule({ Name: 'gd-nowhere', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) });
    const result = resultFor(await scanChecks([guardDutyFindingsRouted], { aws }), 'eventbridge_guardduty_findings_routed', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('rule gd-off is disabled');
    expect(result.message).toContain('rule gd-nowhere has no targets');
  });

  it('reads every page of rules and lists targets only of GuardDuty rules', async () => {
    // moto pages ListRules by 50, as AWS pages by up to 100: the GuardDuty rule is on the third page.
    for (let i = 0; i < 120; i += 1) await rule({ Name: `noise-${String(i).padStart(3, '0')}`, EventPattern: JSON.stringify({ source: ['aws.ec2'] }) });
    await rule({ Name: 'zz-guardduty', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) }, [topic]);
    const report = await scanChecks([guardDutyFindingsRouted], { aws });
    const result = resultFor(report, 'eventbridge_guardduty_findings_routed', 'account');
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('zz-guardduty');
    expect(report.summary.awsRequests.byOperation['eventbridge:ListRules']).toBe(3);
    expect(report.summary.awsRequests.byOperation['eventbridge:ListTargetsByRule']).toBe(1);
  });
});

describe('matchesGuardDutyFindings', () => {
  it.each([
    [{ source: ['aws.guardduty'] }, true],
    [{ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } }, true],
    [{ source: [{ prefix: 'aws.guard' }] }, true],
    [{ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Malware Protection Object Scan Result'] }, false],
    [{ source: ['aws.securityhub'] }, false],
    [{ 'detail-type': ['GuardDuty Finding'] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesGuardDutyFindings(JSON.stringify(pattern))).toBe(expected);
  });

  it('ignores scheduled rules and unreadable patterns', () => {
    expect(matchesGuardDutyFindings(undefined)).toBe(false);
    expect(matchesGuardDutyFindings('{not json')).toBe(false);
  });
});
