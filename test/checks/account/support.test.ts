import { DescribeSeverityLevelsCommand, SupportClient } from '@aws-sdk/client-support';
import { mockClient } from 'aws-sdk-client-mock';
import { supportPlanBusinessOrHigher } from '../../../src/checks/account/supportPlan';
import { resultFor, scanChecks } from '../../support/aws';
import { awsError } from './fixtures';

// moto has no AWS Support API: responses follow the API reference (severityLevels: [{ code, name }]).
const support = mockClient(SupportClient);
afterEach(() => support.reset());
afterAll(() => support.restore());

const LEVEL_NAMES: Record<string, string> = {
  low: 'General guidance',
  normal: 'System impaired',
  high: 'Production system impaired',
  urgent: 'Production system down',
  critical: 'Business-critical system down',
};
const levels = (...codes: string[]) => ({ severityLevels: codes.map((code) => ({ code, name: LEVEL_NAMES[code] })) });

async function supportResult() {
  const report = await scanChecks([supportPlanBusinessOrHigher]);
  return resultFor(report, supportPlanBusinessOrHigher.id, 'account');
}

describe('support_plan_business_or_higher (mocked Support API)', () => {
  it('fails Basic Support, which has no Support API access', async () => {
    support.on(DescribeSeverityLevelsCommand).rejects(awsError('SubscriptionRequiredException', 400, 'AWS Premium Support Subscription is required to use this service.'));
    const result = await supportResult();
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('Basic Support');
  });

  it('fails Developer Support, which lacks the high and urgent severities', async () => {
    support.on(DescribeSeverityLevelsCommand).resolves(levels('low', 'normal'));
    const result = await supportResult();
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('Developer Support');
    expect(result.message).toContain('low, normal');
  });

  it('passes Business Support', async () => {
    support.on(DescribeSeverityLevelsCommand).resolves(levels('low', 'normal', 'high', 'urgent'));
    const result = await supportResult();
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('has Business Support');
  });

  it('passes Enterprise Support, named by its critical severity', async () => {
    support.on(DescribeSeverityLevelsCommand).resolves(levels('low', 'normal', 'high', 'urgent', 'critical'));
    const result = await supportResult();
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('Enterprise');
  });

  it('cannot evaluate when access is denied', async () => {
    support.on(DescribeSeverityLevelsCommand).rejects(awsError('AccessDeniedException', 403));
    expect((await supportResult()).status).toBe('ERROR');
  });

  it('treats a response without severity levels as unknown, not a pass', async () => {
    support.on(DescribeSeverityLevelsCommand).resolves({});
    expect((await supportResult()).status).toBe('ERROR');
  });
});
