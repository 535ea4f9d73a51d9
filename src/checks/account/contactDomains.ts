import { AccountClient, GetPrimaryEmailCommand } from '@aws-sdk/client-account';
import { describeError } from '../../aws/errors';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { alternateContactResource, alternateContacts } from './inventory';

/** Consumer mailbox providers: an address there belongs to a person, not to the company. */
const FREE_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'proton.me',
  'protonmail.com', 'aol.com', 'gmx.com', 'gmx.net', 'mail.ru', 'yandex.ru', 'qq.com', '163.com',
]);

const ROOT_EMAIL_RESOURCE = 'account/root-email';

/** Why `email` is not company-owned, or null when it is (as far as the configuration can tell). */
function emailDomainProblem(email: string, companyDomains: readonly string[]): string | null {
  const domain = email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
  if (!email.includes('@') || !domain) return `"${email}" is not an e-mail address`;
  if (FREE_MAIL_DOMAINS.has(domain)) return `${domain} is a free-mail domain`;
  const owned = companyDomains.map((d) => d.toLowerCase());
  if (owned.length > 0 && !owned.some((d) => domain === d || domain.endsWith(`.${d}`))) {
    return `${domain} is not one of the company domains (${owned.join(', ')})`;
  }
  return null;
}

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
      message: `The root e-mail could not be read (${describeError(err)}): verify in Account settings that it is a company-owned group mailbox, not a person's or a free-mail address.`,
    };
  }
}

export const accountContactsCompanyOwned: Check = {
  id: 'account_contacts_company_owned',
  refs: ['FTR-5.2'],
  title: 'Root and alternate contact e-mails are company-owned',
  severity: 'medium',
  rationale: quote('FTR-5.2'),
  remediation:
    'Point the root e-mail and every alternate contact at group mailboxes in a company-owned domain (configure `companyDomains`), never at personal or free-mail addresses.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    const [lookups, root] = await Promise.all([alternateContacts(ctx), rootEmailFinding(ctx)]);
    const findings: Finding[] = [root];
    for (const lookup of lookups) {
      const resource = alternateContactResource(lookup.type);
      const what = `${lookup.type.toLowerCase()} contact`;
      // A missing contact is account_alternate_contacts_configured's finding; there is no e-mail to judge here.
      if ('error' in lookup) findings.push({ resource, status: 'ERROR', message: `The ${what} could not be read: ${describeError(lookup.error)}.` });
      else if (lookup.contact?.EmailAddress) findings.push(domainFinding(resource, what, lookup.contact.EmailAddress, ctx.thresholds.companyDomains));
      else if (lookup.contact) findings.push({ resource, status: 'ERROR', message: `The ${what} has no e-mail address in the response, so its domain is unknown.` });
    }
    return findings;
  },
};
