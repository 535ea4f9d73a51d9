import { describeError } from '../../aws/errors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { looksLikePersonalMailbox } from './email';
import { ALTERNATE_CONTACT_ACTIONS, alternateContactResource, alternateContacts } from './inventory';

export const accountAlternateContactsConfigured: Check = {
  id: 'account_alternate_contacts_configured',
  refs: ['FTR-5.1', 'WAS-IAM-1'],
  title: 'Billing, operations and security alternate contacts are set to group mailboxes',
  severity: 'medium',
  rationale: quote('FTR-5.1'),
  remediation:
    'Set the billing, operations and security alternate contacts (Account → Alternate contacts, or `aws account put-alternate-contact`) to group mailboxes the company owns, not to one person.',
  scope: 'global',
  kind: 'automated',
  actions: ALTERNATE_CONTACT_ACTIONS,
  async run(ctx) {
    const lookups = await alternateContacts(ctx);
    return lookups.map((lookup): Finding => {
      const resource = alternateContactResource(lookup.type);
      const kind = lookup.type.toLowerCase();
      if ('error' in lookup) return { resource, status: 'ERROR', message: `The ${kind} alternate contact could not be read: ${describeError(lookup.error)}.` };
      if (!lookup.contact) return { resource, status: 'FAIL', message: `No ${kind} alternate contact is set, so AWS ${kind} notices reach only the root e-mail.` };
      // Phone numbers are never repeated: the name and e-mail identify the contact.
      const email = lookup.contact.EmailAddress;
      if (!email) return { resource, status: 'ERROR', message: `The ${kind} alternate contact has no e-mail address in the response, so where it points is unknown.` };
      const who = `${lookup.contact.Name ?? 'no name'}, ${email}`;
      // A name-shaped address is only a hint of a personal mailbox, so a person confirms it rather than the check failing it.
      if (looksLikePersonalMailbox(email)) {
        return {
          resource,
          status: 'MANUAL',
          message: `The ${kind} alternate contact is set (${who}), but the address looks like one person's mailbox: confirm it is a group or distribution list, or point it at one.`,
        };
      }
      return { resource, status: 'PASS', message: `The ${kind} alternate contact is set (${who}).` };
    });
  },
};
