import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
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

interface ScpSetup {
  /** Enable the SCP policy type on the root (moto, like AWS, leaves it off). */
  enable: boolean;
  /** Create a guardrail SCP, attached to the root or nowhere. */
  guardrail?: 'attached' | 'unattached';
}

/** Creates the organization in moto with `extraAccounts` member accounts and, optionally, a guardrail SCP. */
async function seedOrganization(extraAccounts: number, scps: ScpSetup = { enable: false }): Promise<string> {
  const aws = testAccess();
  try {
    const org = aws.client(OrganizationsClient, 'us-east-1');
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (let i = 0; i < extraAccounts; i++) await org.send(new CreateAccountCommand({ AccountName: `workload-${i}`, Email: `workload-${i}@example.com` }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    if (scps.enable) await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    if (scps.guardrail) {
      const policy = await org.send(
        new CreatePolicyCommand({
          Name: 'DenyLeaveOrganization',
          Description: 'guardrail',
          Type: 'SERVICE_CONTROL_POLICY',
          Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }),
        }),
      );
      if (scps.guardrail === 'attached') await org.send(new AttachPolicyCommand({ PolicyId: policy.Policy!.PolicySummary!.Id!, TargetId: rootId }));
    }
    return created.Organization!.Id!;
  } finally {
    aws.destroy();
  }
}

describe('organizations checks (moto)', () => {
  it('ask for a record of the account separation of a standalone account, which FTR-4.1 allows, and fail its SCP guardrails', async () => {
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('MANUAL');
    expect(multi.refs).toEqual(['FTR-4.1', 'WAS-IAM-3']);
    expect(multi.message).toBe(
      'The account is standalone (not in AWS Organizations), so whether production and non-production run in separate accounts cannot be read from it: record which accounts hold production and which non-production, or bring them into an organization.',
    );
    expect(resultFor(report, SCP, 'account').status).toBe('FAIL');
  });

  it('pass an organization of several accounts with a guardrail SCP', async () => {
    const orgId = await seedOrganization(2, { enable: true, guardrail: 'attached' });
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('PASS');
    expect(multi.message).toContain(`${orgId} with 3 accounts`);
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('PASS');
    expect(scp.message).toContain('guardrail attached: DenyLeaveOrganization (1 target)');
  });

  it('fail the SCP guardrails when the policy type is not enabled on the root', async () => {
    await seedOrganization(1, { enable: false, guardrail: 'attached' });
    const scp = resultFor(await scanChecks(checks), SCP, 'account');
    expect(scp.status).toBe('FAIL');
    expect(scp.message).toContain('not enabled on the root');
  });

  it('fail the SCP guardrails when the only custom SCP is attached nowhere, naming it', async () => {
    await seedOrganization(1, { enable: true, guardrail: 'unattached' });
    const scp = resultFor(await scanChecks(checks), SCP, 'account');
    expect(scp.status).toBe('FAIL');
    expect(scp.message).toContain('(DenyLeaveOrganization is attached nowhere)');
  });

  it('fail an organization of one account with only FullAWSAccess', async () => {
    await seedOrganization(0, { enable: true });
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('FAIL');
    expect(multi.message).toContain('only 1 account');
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('FAIL');
    expect(scp.message).toContain('no attached service control policy besides the AWS-managed FullAWSAccess');
  });
});

describe('organizations checks from a member account', () => {
  let organizations: AwsStub<any, any, any> | undefined;
  afterEach(() => organizations?.restore());

  it('say that the accounts and SCPs cannot be read from a member account, never passing', async () => {
    await seedOrganization(1, { enable: true, guardrail: 'attached' });
    // What a member account gets: DescribeOrganization works, the management-only calls are denied.
    organizations = mockClient(OrganizationsClient);
    organizations.send.callThrough();
    const denied = awsError('AccessDeniedException', 403);
    organizations.on(ListAccountsCommand).rejects(denied).on(ListPoliciesCommand).rejects(denied).on(ListRootsCommand).rejects(denied);
    const report = await scanChecks(checks);
    const multi = resultFor(report, MULTI, 'account');
    expect(multi.status).toBe('MANUAL');
    expect(multi.message).toContain('cannot be listed from here');
    const scp = resultFor(report, SCP, 'account');
    expect(scp.status).toBe('MANUAL');
    expect(scp.message).toContain('access denied');
  });
});
