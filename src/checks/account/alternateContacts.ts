import { describeError } from '../../aws/errors';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { alternateContactResource, alternateContacts } from './inventory';

export const accountAlternateContactsConfigured: Check = {
  id: 'account_alternate_contacts_configured',
  refs: ['FTR-5.1', 'WAS-IAM-1'],
  title: 'Billing, operations and security alternate contacts are set',
  severity: 'medium',
  rationale: quote('FTR-5.1'),
  remediation:
    'Set the billing, operations and security alternate contacts (Account → Alternate contacts, or `aws account put-alternate-contact`) to group mailboxes the company owns, not to one person.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    const lookups = await alternateContacts(ctx);
    return lookups.map((lookup) => {
      const resource = alternateContactResource(lookup.type);
      const kind = lookup.type.toLowerCase();
      if ('error' in lookup) return { resource, status: 'ERROR', message: `The ${kind} alternate contact could not be read: ${describeError(lookup.error)}.` };
      if (!lookup.contact) return { resource, status: 'FAIL', message: `No ${kind} alternate contact is set, so AWS ${kind} notices reach only the root e-mail.` };
      return { resource, status: 'PASS', message: `The ${kind} alternate contact is set (${lookup.contact.Name ?? 'no name'}, ${lookup.contact.EmailAddress ?? 'no e-mail'}).` };
    });
  },
};
