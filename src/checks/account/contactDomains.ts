import { AccountClient, GetContactInformationCommand, GetPrimaryEmailCommand } from '@aws-sdk/client-account';
import { describeError } from '../../aws/errors';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { emailDomainProblem, isCompanyDomain } from './email';
import { ALTERNATE_CONTACT_ACTIONS, alternateContactResource, alternateContacts } from './inventory';

const ROOT_EMAIL_RESOURCE = 'account/root-email';
const CONTACT_INFORMATION_RESOURCE = 'account/contact-information';

function domainFinding(resource: string, what: string, email: string, companyDomains: readonly string[]): Finding {
  const problem = emailDomainProblem(email, companyDomains);
  if (problem) return { resource, status: 'FAIL', message: `The ${what} e-mail ${email} is not company-owned: ${problem}.` };
  const basis = companyDomains.length > 0 ? 'is within the company domains' : 'is not a free-mail domain (no company domains are configured to check it against)';
  return { resource, status: 'PASS', message: `The ${what} e-mail ${email} ${basis}.` };
}

/** The root e-mail, which only the management account can read (GetPrimaryEmail with trusted access). */
async function rootEmailFinding(ctx: CheckContext): Promise<Finding> {
  try {
    const out = await ctx.aws.client(AccountClient, ctx.homeRegion).send(new GetPrimaryEmailCommand({ AccountId: ctx.accountId }));
    if (out.PrimaryEmail) return domainFinding(ROOT_EMAIL_RESOURCE, 'root', out.PrimaryEmail, ctx.thresholds.companyDomains);
    return { resource: ROOT_EMAIL_RESOURCE, status: 'ERROR', message: 'GetPrimaryEmail answered without an e-mail address, so the root e-mail is unknown.' };
  } catch (err) {
    return {
      resource: ROOT_EMAIL_RESOURCE,
      status: 'MANUAL',
      message: `The root e-mail could not be read (${describeError(err)}; only the organization's management account can read it): verify in Account settings that it is a company-owned group mailbox, not a person's or a free-mail address.`,
    };
  }
}

/** The host of a website URL, with or without a scheme; undefined when it is not a URL. */
function websiteHost(url: string): string | undefined {
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The primary contact (it holds no e-mail): registered to the company, by company name and,
 * when company domains are configured, by website. Name, address and phone are never repeated.
 */
async function contactInformationFinding(ctx: CheckContext): Promise<Finding> {
  const resource = CONTACT_INFORMATION_RESOURCE;
  let info;
  try {
    info = (await ctx.aws.client(AccountClient, ctx.homeRegion).send(new GetContactInformationCommand({}))).ContactInformation;
  } catch (err) {
    return { resource, status: 'ERROR', message: `The account's primary contact could not be read (${describeError(err)}).` };
  }
  if (!info) return { resource, status: 'ERROR', message: 'GetContactInformation answered without contact information, so the primary contact is unknown.' };
  const company = info.CompanyName?.trim();
  if (!company) return { resource, status: 'FAIL', message: "The account's primary contact has no company name, so the account is registered to a person rather than the company." };
  const host = info.WebsiteUrl ? websiteHost(info.WebsiteUrl) : undefined;
  const domains = ctx.thresholds.companyDomains;
  if (host && domains.length > 0 && !isCompanyDomain(host, domains)) {
    return { resource, status: 'FAIL', message: `The account's primary contact names ${company} with website ${host}, which is not one of the company domains (${domains.join(', ')}).` };
  }
  return { resource, status: 'PASS', message: `The account's primary contact is registered to ${company}${host ? ` (website ${host})` : ''}.` };
}

export const accountContactsCompanyOwned: Check = {
  id: 'account_contacts_company_owned',
  refs: ['FTR-5.2'],
  title: 'Root, primary and alternate contacts are company-owned',
  severity: 'medium',
  rationale: quote('FTR-5.2'),
  remediation:
    'Register the account to the company (primary contact company name and website), and point the root e-mail and every alternate contact at group mailboxes in a company-owned domain (configure `companyDomains`), never at personal or free-mail addresses.',
  scope: 'global',
  kind: 'automated',
  actions: [...ALTERNATE_CONTACT_ACTIONS, 'account:GetContactInformation', 'account:GetPrimaryEmail'],
  async run(ctx) {
    const [lookups, root, primary] = await Promise.all([alternateContacts(ctx), rootEmailFinding(ctx), contactInformationFinding(ctx)]);
    const findings: Finding[] = [root, primary];
    for (const lookup of lookups) {
      const resource = alternateContactResource(lookup.type);
      const what = `${lookup.type.toLowerCase()} contact`;
      // A missing contact, or one without an e-mail, is account_alternate_contacts_configured's finding; there is no domain to judge here.
      if ('error' in lookup) findings.push({ resource, status: 'ERROR', message: `The ${what} could not be read: ${describeError(lookup.error)}.` });
      else if (lookup.contact?.EmailAddress) findings.push(domainFinding(resource, what, lookup.contact.EmailAddress, ctx.thresholds.companyDomains));
    }
    return findings;
  },
};
