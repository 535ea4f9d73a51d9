import { AccountClient, GetAlternateContactCommand, GetContactInformationCommand, GetPrimaryEmailCommand, type ContactInformation } from '@aws-sdk/client-account';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { accountAlternateContactsConfigured } from '../../../src/checks/account/alternateContacts';
import { accountContactsCompanyOwned } from '../../../src/checks/account/contactDomains';
import { emailDomainProblem, isFreeMailDomain, looksLikePersonalMailbox } from '../../../src/checks/account/email';
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

  it('asks to confirm a contact whose address looks like one person (first.last@), and passes team addresses', async () => {
    await putAlternateContacts({ BILLING: 'jane.doe@example.com', OPERATIONS: 'cloud-ops@example.com', SECURITY: 'security.team@example.com' });
    const report = await scanChecks([accountAlternateContactsConfigured]);
    const billing = resultFor(report, CONFIGURED, contact('BILLING'));
    expect(billing.status).toBe('MANUAL');
    expect(billing.message).toContain("looks like one person's mailbox");
    expect(resultFor(report, CONFIGURED, contact('OPERATIONS')).status).toBe('PASS');
    expect(resultFor(report, CONFIGURED, contact('SECURITY')).status).toBe('PASS');
  });

  it('passes when all three contacts are set, never printing their phone numbers', async () => {
    await putAlternateContacts({ BILLING: 'billing@example.com', OPERATIONS: 'ops@example.com', SECURITY: 'security@example.com' });
    const report = await scanChecks([accountAlternateContactsConfigured]);
    for (const type of ['BILLING', 'OPERATIONS', 'SECURITY']) expect(resultFor(report, CONFIGURED, contact(type)).status).toBe('PASS');
    expect(JSON.stringify(report.results)).not.toContain(PHONE);
  });
});

describe('e-mail heuristics', () => {
  it('recognises free-mail providers under any of their public suffixes, and nothing that merely starts like one', () => {
    for (const domain of ['gmail.com', 'yahoo.co.uk', 'gmx.de', 'yandex.ru', 'outlook.com', 'proton.me', 'mail.ru', 'qq.com', '163.com', 'icloud.com']) {
      expect([domain, isFreeMailDomain(domain)]).toEqual([domain, true]);
    }
    for (const domain of ['example.com', 'live.example.com', 'mail.example.org', 'gmail.example.com']) expect([domain, isFreeMailDomain(domain)]).toEqual([domain, false]);
  });

  it('lets a configured company domain win over the free-mail list', () => {
    expect(emailDomainProblem('aws-billing@yahoo.com', ['yahoo.com'])).toBeNull();
    expect(emailDomainProblem('aws-billing@yahoo.com', [])).toBe('yahoo.com is a free-mail domain');
  });

  it('takes first.last addresses for personal mailboxes unless a word names a team', () => {
    expect(['jane.doe@x.com', 'john_smith@x.com', 'ann-lee@x.com'].map(looksLikePersonalMailbox)).toEqual([true, true, true]);
    expect(['aws.billing@x.com', 'security-team@x.com', 'ops@x.com', 'jdoe@x.com', 'cloud.ops2@x.com'].map(looksLikePersonalMailbox)).toEqual([false, false, false, false, false]);
  });
});

describe('account_contacts_company_owned', () => {
  let account: AwsStub<any, any, any> | undefined;
  afterEach(() => account?.restore());

  /** moto has neither GetContactInformation nor GetPrimaryEmail: those answer as the API reference shows, the rest reaches moto. */
  function mockAccountApi(contactInformation: ContactInformation, primaryEmail?: string) {
    account = mockClient(AccountClient);
    account.send.callThrough();
    account.on(GetContactInformationCommand).resolves({ ContactInformation: contactInformation });
    if (primaryEmail) account.on(GetPrimaryEmailCommand).resolves({ PrimaryEmail: primaryEmail });
  }
  const company = (extra: Partial<ContactInformation> = {}): ContactInformation => ({
    FullName: 'Jane Doe',
    AddressLine1: '1 Main Street',
    City: 'Springfield',
    PostalCode: '12345',
    CountryCode: 'US',
    PhoneNumber: PHONE,
    CompanyName: 'Example Corp',
    WebsiteUrl: 'https://www.example.com',
    ...extra,
  });

  it('fails free-mail and foreign domains, passes company domains, and asks to verify an unreadable root e-mail', async () => {
    await putAlternateContacts({ BILLING: 'billing@finance.example.com', OPERATIONS: 'ops@elsewhere.org', SECURITY: 'someone@gmail.com' });
    mockAccountApi(company());
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
    const primary = resultFor(report, OWNED, 'account/contact-information');
    expect(primary.status).toBe('PASS');
    expect(primary.message).toBe("The account's primary contact is registered to Example Corp (website www.example.com).");
    expect(JSON.stringify(report.results)).not.toContain(PHONE);
    expect(JSON.stringify(report.results)).not.toContain('Jane Doe');
  });

  it('without company domains flags only free-mail, and judges the root e-mail when the management account can read it', async () => {
    await putAlternateContacts({ OPERATIONS: 'ops@elsewhere.org' });
    mockAccountApi(company(), 'founder@hotmail.com');
    const report = await scanChecks([accountContactsCompanyOwned]);
    const ops = resultFor(report, OWNED, contact('OPERATIONS'));
    expect(ops.status).toBe('PASS');
    expect(ops.message).toContain('not a free-mail domain');
    const root = resultFor(report, OWNED, 'account/root-email');
    expect(root.status).toBe('FAIL');
    expect(root.message).toContain('hotmail.com is a free-mail domain');
    // Missing contacts are the other check's finding.
    expect(report.results.filter((r) => r.checkId === OWNED)).toHaveLength(3);
  });

  it('fails a primary contact without a company name, or with a website outside the company domains', async () => {
    mockAccountApi(company({ CompanyName: undefined }), 'aws-root@example.com');
    const personal = resultFor(await scanChecks([accountContactsCompanyOwned]), OWNED, 'account/contact-information');
    expect(personal.status).toBe('FAIL');
    expect(personal.message).toContain('registered to a person');

    account!.restore();
    mockAccountApi(company({ WebsiteUrl: 'reseller.example.net' }), 'aws-root@example.com');
    const report = await scanChecks([accountContactsCompanyOwned], { thresholds: { companyDomains: ['example.com'] } });
    const foreign = resultFor(report, OWNED, 'account/contact-information');
    expect(foreign.status).toBe('FAIL');
    expect(foreign.message).toContain('website reseller.example.net, which is not one of the company domains (example.com)');
    expect(resultFor(report, OWNED, 'account/root-email').status).toBe('PASS');
  });

  it('reports an unreadable contact as ERROR for that contact only', async () => {
    await putAlternateContacts({ BILLING: 'billing@example.com', SECURITY: 'security@example.com' });
    mockAccountApi(company());
    account!.on(GetAlternateContactCommand, { AlternateContactType: 'SECURITY' }).rejects(awsError('AccessDeniedException', 403));
    const report = await scanChecks([accountAlternateContactsConfigured, accountContactsCompanyOwned]);
    for (const checkId of [CONFIGURED, OWNED]) {
      expect(resultFor(report, checkId, contact('SECURITY')).status).toBe('ERROR');
      expect(resultFor(report, checkId, contact('SECURITY')).message).toContain('access denied');
      expect(resultFor(report, checkId, contact('BILLING')).status).toBe('PASS');
    }
  });
});
