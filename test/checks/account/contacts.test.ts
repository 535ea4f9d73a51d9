import { AccountClient, GetAlternateContactCommand, GetPrimaryEmailCommand } from '@aws-sdk/client-account';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { accountAlternateContactsConfigured } from '../../../src/checks/account/alternateContacts';
import { accountContactsCompanyOwned } from '../../../src/checks/account/contactDomains';
import { resetMoto, resultFor, scanChecks } from '../../support/aws';
import { awsError, PHONE, putAlternateContacts } from './fixtures';

beforeEach(resetMoto);

const CONFIGURED = accountAlternateContactsConfigured.id;
const OWNED = accountContactsCompanyOwned.id;
const contact = (type: string) => `account/alternate-contact/${type}`;

describe('account_alternate_contacts_configured (moto)', () => {
  it('fails every contact type that is not set and passes the ones that are', async () => {
    await putAlternateContacts({ SECURITY: 'security@example.com' });
    const report = await scanChecks([accountAlternateContactsConfigured]);
    expect(resultFor(report, CONFIGURED, contact('SECURITY')).status).toBe('PASS');
    expect(resultFor(report, CONFIGURED, contact('SECURITY')).message).toContain('security@example.com');
    for (const type of ['BILLING', 'OPERATIONS']) {
      const result = resultFor(report, CONFIGURED, contact(type));
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(`No ${type.toLowerCase()} alternate contact`);
    }
  });

  it('passes when all three contacts are set, never printing their phone numbers', async () => {
    await putAlternateContacts({ BILLING: 'billing@example.com', OPERATIONS: 'ops@example.com', SECURITY: 'security@example.com' });
    const report = await scanChecks([accountAlternateContactsConfigured]);
    for (const type of ['BILLING', 'OPERATIONS', 'SECURITY']) expect(resultFor(report, CONFIGURED, contact(type)).status).toBe('PASS');
    expect(JSON.stringify(report.results)).not.toContain(PHONE);
  });
});

describe('account_contacts_company_owned', () => {
  let account: AwsStub<any, any, any> | undefined;
  afterEach(() => account?.restore());

  it('fails free-mail and foreign domains, passes company domains, and asks to verify an unreadable root e-mail (moto)', async () => {
    await putAlternateContacts({ BILLING: 'billing@finance.example.com', OPERATIONS: 'ops@elsewhere.org', SECURITY: 'someone@gmail.com' });
    const report = await scanChecks([accountContactsCompanyOwned], { thresholds: { companyDomains: ['example.com'] } });
    expect(resultFor(report, OWNED, contact('BILLING')).status).toBe('PASS');
    const ops = resultFor(report, OWNED, contact('OPERATIONS'));
    expect(ops.status).toBe('FAIL');
    expect(ops.message).toContain('elsewhere.org is not one of the company domains');
    const security = resultFor(report, OWNED, contact('SECURITY'));
    expect(security.status).toBe('FAIL');
    expect(security.message).toContain('gmail.com is a free-mail domain');
    // moto has no GetPrimaryEmail: the root e-mail is left to a person, never passed.
    const root = resultFor(report, OWNED, 'account/root-email');
    expect(root.status).toBe('MANUAL');
    expect(root.message).toContain('verify');
    expect(JSON.stringify(report.results)).not.toContain(PHONE);
  });

  it('without company domains flags only free-mail, and judges the root e-mail when the management account can read it', async () => {
    await putAlternateContacts({ OPERATIONS: 'ops@elsewhere.org' });
    account = mockClient(AccountClient);
    account.send.callThrough();
    account.on(GetPrimaryEmailCommand).resolves({ PrimaryEmail: 'founder@hotmail.com' });
    const report = await scanChecks([accountContactsCompanyOwned]);
    const ops = resultFor(report, OWNED, contact('OPERATIONS'));
    expect(ops.status).toBe('PASS');
    expect(ops.message).toContain('not a free-mail domain');
    const root = resultFor(report, OWNED, 'account/root-email');
    expect(root.status).toBe('FAIL');
    expect(root.message).toContain('hotmail.com is a free-mail domain');
    // Missing contacts are the other check's finding.
    expect(report.results.filter((r) => r.checkId === OWNED)).toHaveLength(2);
  });

  it('reports an unreadable contact as ERROR for that contact only', async () => {
    await putAlternateContacts({ BILLING: 'billing@example.com', SECURITY: 'security@example.com' });
    account = mockClient(AccountClient);
    account.send.callThrough();
    account.on(GetAlternateContactCommand, { AlternateContactType: 'SECURITY' }).rejects(awsError('AccessDeniedException', 403));
    const report = await scanChecks([accountAlternateContactsConfigured, accountContactsCompanyOwned]);
    for (const checkId of [CONFIGURED, OWNED]) {
      expect(resultFor(report, checkId, contact('SECURITY')).status).toBe('ERROR');
      expect(resultFor(report, checkId, contact('SECURITY')).message).toContain('access denied');
      expect(resultFor(report, checkId, contact('BILLING')).status).toBe('PASS');
    }
  });
});
