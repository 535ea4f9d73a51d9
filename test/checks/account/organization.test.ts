import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  ListAccountsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { organizationsMultiAccount, organizationsScpGuardrails } from '../../../src/checks/account/organization';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { awsError } from './fixtures';

beforeEach(resetMoto);

const MULTI = organizationsMultiAccount.id;
const SCP = organizationsScpGuardrails.id;
const checks = [organizationsMultiAccount, organizationsScpGuardrails];

/** Creates the organization in moto with `extraAccounts` member accounts and, optionally, a guardrail SCP on the root. */
async function seedOrganization(extraAccounts: number, guardrail = false): Promise<string> {
  const aws = testAccess();
  try {
    const org = aws.client(OrganizationsClient, 'us-east-1');
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (let i = 0; i < extraAccounts; i++) await org.send(new CreateAccountCommand({ AccountName: `workload-${i}`, Email: `workload-${i}@example.com` }));
    if (guardrail) {
      const policy = await org.send(
        new CreatePolicyCommand({
          Name: 'DenyLeaveOrganization',
          Description: 'guardrail',
          Type: 'SERVICE_CONTROL_POLICY',
          Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }),
        }),
      );
      const roots = await org.send(new ListRootsCommand({}));
      await org.send(new AttachPolicyCommand({ PolicyId: policy.Policy!.PolicySummary!.Id!, TargetId: roots.Roots![0].Id! }));
    }
    return created.Organization!.Id!;
  } finally {
    aws.destroy();
  }
}

describe('organizations checks (moto)', () => {
  it('fail a standalone account, saying why separate accounts matter', async () => {
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('FAIL');
    expect(multi.message).toContain('standalone');
    expect(multi.message).toContain('production and non-production');
    expect(resultFor(report, SCP, 'account').status).toBe('FAIL');
  });

  it('pass an organization of several accounts with a guardrail SCP', async () => {
    const orgId = await seedOrganization(2, true);
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('PASS');
    expect(multi.message).toContain(`${orgId} with 3 accounts`);
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('PASS');
    expect(scp.message).toContain('DenyLeaveOrganization');
  });

  it('fail an organization of one account with only FullAWSAccess', async () => {
    await seedOrganization(0);
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('FAIL');
    expect(multi.message).toContain('only 1 account');
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('FAIL');
    expect(scp.message).toContain('no service control policy besides FullAWSAccess');
  });
});

describe('organizations checks from a member account', () => {
  let organizations: AwsStub<any, any, any>;
  beforeEach(() => {
    organizations = mockClient(OrganizationsClient);
    organizations.send.callThrough();
    organizations.on(ListAccountsCommand).rejects(awsError('AccessDeniedException', 403));
    organizations.on(ListPoliciesCommand).rejects(awsError('AccessDeniedException', 403));
  });
  afterEach(() => organizations.restore());

  it('pass on membership without a count, and cannot evaluate the SCPs', async () => {
    await seedOrganization(1, true);
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('PASS');
    expect(multi.message).toContain('could not be read');
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('ERROR');
    expect(scp.message).toContain('access denied');
  });
});
