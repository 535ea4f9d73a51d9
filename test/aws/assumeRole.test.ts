import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assumeRoleCredentials, judgeTrust, scannerRoleTrust } from '../../src/aws/assumeRole';
import { AwsAccess } from '../../src/aws/clients';
import { parsePolicyDocument } from '../../src/aws/inventories/iamPolicyDocument';
import { ACCOUNT_ID, resetMoto, testAccess } from '../support/aws';
import { ALLOW_EVERYTHING, asBotUserWithIamAuthentication, createScannerRole, memberAccess, scannerTrustPolicy } from '../engine/memberAccounts';

const BOT = '111122223333';
const MEMBER = '444455556666';
const judge = (statements: object[], externalId = 'ours') => judgeTrust(parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements })), BOT, externalId);
const allow = (principal: unknown, condition?: object) => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
const requiring = (id: string | string[]) => ({ StringEquals: { 'sts:ExternalId': id } });

describe('judging a scanner role\'s trust policy for the bot\'s account', () => {
  it('requires: every statement that admits the bot demands the external ID the bot generated', () => {
    expect(judge([allow({ AWS: `arn:aws:iam::${BOT}:role/ftr-bot-task` }, requiring('ours'))])).toBe('requires');
    expect(judge([allow({ AWS: BOT }, { StringEquals: { 'sts:externalid': ['old', 'ours'] } })])).toBe('requires');
    expect(judge([allow({ AWS: 'arn:aws:iam::999999999999:root' }), allow({ AWS: `arn:aws:iam::${BOT}:root` }, requiring('ours'))])).toBe('requires');
    // "Deny unless the external ID is ours" guards an unconditional Allow.
    expect(judge([allow({ AWS: BOT }), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'ours' } } }])).toBe('requires');
  });

  it('unguarded: any statement lets the bot in without an external ID, or with one a wildcard matches', () => {
    expect(judge([allow({ AWS: `arn:aws:iam::${BOT}:role/ftr-bot-task` })])).toBe('unguarded');
    expect(judge([allow({ AWS: BOT }, requiring('ours')), allow('*')])).toBe('unguarded');
    expect(judge([allow({ AWS: BOT }, { StringLike: { 'sts:ExternalId': '*' } })])).toBe('unguarded');
    expect(judge([allow({ AWS: BOT }, { StringEqualsIfExists: { 'sts:ExternalId': 'ours' } })])).toBe('unguarded');
  });

  it('otherExternalId and notTrusted', () => {
    expect(judge([allow({ AWS: BOT }, requiring('chosen-by-the-customer'))])).toBe('otherExternalId');
    expect(judge([allow({ AWS: 'arn:aws:iam::999999999999:root' }, requiring('ours')), allow({ Service: 'ec2.amazonaws.com' })])).toBe('notTrusted');
  });
});

describe('assuming a scanner role (moto)', () => {
  beforeEach(resetMoto);

  it('presents the external ID: with IAM authentication on, the right one is accepted and a wrong one refused', async () => {
    // The emulator checks the trust condition only for a role of the caller's own account.
    await asBotUserWithIamAuthentication(ALLOW_EVERYTHING, async (userArn) => {
      await setUpRole(userArn);
      const control = new AwsAccess({ maxAttempts: 1 });
      try {
        const right = assumeRoleCredentials(control, 'us-east-1', { roleArn: ROLE_ARN, externalId: 'the-generated-id', sessionName: 'ftr-bot-scan' });
        const roleAccess = new AwsAccess({ maxAttempts: 1, credentials: right });
        const identity = await roleAccess.client(STSClient, 'us-east-1').send(new GetCallerIdentityCommand({}));
        roleAccess.destroy();
        expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/same-account-scanner/ftr-bot-scan`);

        const wrong = assumeRoleCredentials(control, 'us-east-1', { roleArn: ROLE_ARN, externalId: 'another-id', sessionName: 'ftr-bot-scan' });
        await expect(wrong()).rejects.toMatchObject({ name: 'AccessDenied' });
      } finally {
        control.destroy();
      }
    });
  });

  it('asks STS once while the credentials are fresh, and again shortly before they expire', async () => {
    const control = testAccess();
    let now = new Date();
    try {
      const credentials = assumeRoleCredentials(control, 'us-east-1', { roleArn: `arn:aws:iam::${BOT}:role/ftr-bot-scanner`, externalId: 'x1', sessionName: 'ftr-bot-scan' }, () => now);
      const first = await credentials();
      await Promise.all([credentials(), credentials(), credentials()]);
      expect(control.counter.byOperation()['sts:AssumeRole']).toBe(1);
      now = new Date(first.expiration!.getTime() - 4 * 60_000);
      const [a, b] = await Promise.all([credentials(), credentials()]);
      expect(control.counter.byOperation()['sts:AssumeRole']).toBe(2);
      expect(a.accessKeyId).toBe(b.accessKeyId);
      expect(a.accessKeyId).not.toBe(first.accessKeyId);
    } finally {
      control.destroy();
    }
  });

  it('reads the role\'s own trust policy, and tells a missing role apart', async () => {
    const member = await memberAccess(MEMBER);
    try {
      const arn = await createScannerRole(member, { externalId: 'the-generated-id', principal: `arn:aws:iam::${BOT}:role/ftr-bot-task` });
      expect(await scannerRoleTrust(member, 'us-east-1', arn, BOT, 'the-generated-id')).toEqual({ kind: 'requires' });
      expect(await scannerRoleTrust(member, 'us-east-1', arn, BOT, 'another-id')).toEqual({ kind: 'otherExternalId' });
      expect(await scannerRoleTrust(member, 'us-east-1', `arn:aws:iam::${MEMBER}:role/not-there`, BOT, 'x')).toEqual({ kind: 'missing' });
    } finally {
      member.destroy();
    }
  });
});

const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/same-account-scanner`;

async function setUpRole(trusted: string): Promise<void> {
  const aws = new AwsAccess({ maxAttempts: 1 });
  try {
    await aws.client(IAMClient, 'us-east-1').send(new CreateRoleCommand({ RoleName: 'same-account-scanner', AssumeRolePolicyDocument: scannerTrustPolicy('the-generated-id', trusted) }));
  } finally {
    aws.destroy();
  }
}
