import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, type PutRuleCommandInput } from '@aws-sdk/client-eventbridge';
import type { AwsAccess } from '../../../src/aws/clients';
import { guardDutyFindingsRouted } from '../../../src/checks/detection/guardDutyFindingAlerts';
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

  const ruleArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${name}`;
  const queue = `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:ftr-alerts`;

  it('passes each enabled rule that sends GuardDuty findings to a target, naming its targets, and fails a region without one', async () => {
    await rule({ Name: 'ec2-state', EventPattern: JSON.stringify({ source: ['aws.ec2'] }) }, [topic]);
    await rule({ Name: 'guardduty-to-slack', EventPattern: JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] }) }, [topic]);
    await rule({ Name: 'guardduty-to-bot', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) }, [queue, topic]);
    const report = await scanChecks([guardDutyFindingsRouted], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const slack = resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('guardduty-to-slack'), 'us-east-1');
    expect(slack.status).toBe('PASS');
    expect(slack.message).toBe(`EventBridge rule guardduty-to-slack delivers GuardDuty findings in us-east-1 to ${topic}.`);
    expect(slack.refs).toEqual(['WAS-IR-2', 'WAS-DET-3']);
    const bot = resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('guardduty-to-bot'), 'us-east-1');
    expect(bot.status).toBe('PASS');
    expect(bot.message).toBe(`EventBridge rule guardduty-to-bot delivers GuardDuty findings in us-east-1 to ${queue}, ${topic}.`);
    expect(report.results.filter((r) => r.region === 'us-east-1')).toHaveLength(2);
    const fail = resultFor(report, 'eventbridge_guardduty_findings_routed', 'account', 'eu-west-1');
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('No enabled EventBridge rule on the default bus in eu-west-1 delivers high or critical GuardDuty findings to people.');
  });

  it('reports ERROR for a GuardDuty rule whose targets cannot be listed, not FAIL', async () => {
    await rule({ Name: 'guardduty-to-slack', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) }, [topic]);
    aws.client(EventBridgeClient, 'us-east-1').middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        if (context.commandName !== 'ListTargetsByRuleCommand') return next(args);
        throw Object.assign(new Error('not authorized to perform events:ListTargetsByRule'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'initialize', name: 'denyListTargets' },
    );
    const report = await scanChecks([guardDutyFindingsRouted], { aws });
    const result = resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('guardduty-to-slack'));
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('access denied');
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
    const result = resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('zz-guardduty'));
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('zz-guardduty');
    expect(report.summary.awsRequests.byOperation['eventbridge:ListRules']).toBe(3);
    expect(report.summary.awsRequests.byOperation['eventbridge:ListTargetsByRule']).toBe(1);
  });

  it('does not count a rule filtered to low severities, by a numeric range or by a list of values', async () => {
    const low = (severity: unknown) => JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity } });
    await rule({ Name: 'gd-below-7', EventPattern: low([{ numeric: ['<', 7] }]) }, [topic]);
    await rule({ Name: 'gd-low-list', EventPattern: low([2, 2.5, 3, 4, 5.5]) }, [topic]);
    const result = resultFor(await scanChecks([guardDutyFindingsRouted], { aws }), 'eventbridge_guardduty_findings_routed', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toBe(
      'No enabled EventBridge rule on the default bus in us-east-1 delivers high or critical GuardDuty findings to people (rule gd-below-7 matches only findings below high severity; rule gd-low-list matches only findings below high severity).',
    );
  });

  it('counts a rule filtered to high and critical severities, by a range or by a list naming high values', async () => {
    const pattern = (severity: unknown) => JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity } });
    await rule({ Name: 'gd-7-up', EventPattern: pattern([{ numeric: ['>=', 7] }]) }, [topic]);
    await rule({ Name: 'gd-high-list', EventPattern: pattern([7, 7.5, 8, 8.9]) }, [topic]);
    const report = await scanChecks([guardDutyFindingsRouted], { aws });
    expect(resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('gd-7-up')).status).toBe('PASS');
    expect(resultFor(report, 'eventbridge_guardduty_findings_routed', ruleArn('gd-high-list')).status).toBe('PASS');
  });

  it('does not count a rule whose only target stores the finding without telling anyone', async () => {
    await rule({ Name: 'gd-to-logs', EventPattern: JSON.stringify({ source: ['aws.guardduty'] }) }, [`arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/guardduty`]);
    const result = resultFor(await scanChecks([guardDutyFindingsRouted], { aws }), 'eventbridge_guardduty_findings_routed', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain(`rule gd-to-logs only targets arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/guardduty, so nobody is notified`);
  });
});
