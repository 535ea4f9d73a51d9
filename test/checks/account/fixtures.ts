import { AccountClient, PutAlternateContactCommand, type AlternateContactType } from '@aws-sdk/client-account';
import { testAccess } from '../../support/aws';

export function awsError(name: string, httpStatusCode = 400, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

export const PHONE = '+1-555-0100';

/** Sets alternate contacts in moto through the real Account API client. */
export async function putAlternateContacts(contacts: Partial<Record<AlternateContactType, string>>): Promise<void> {
  const aws = testAccess();
  try {
    const account = aws.client(AccountClient, 'us-east-1');
    for (const [type, email] of Object.entries(contacts)) {
      await account.send(
        new PutAlternateContactCommand({ AlternateContactType: type as AlternateContactType, EmailAddress: email, Name: `${type} team`, Title: 'Team', PhoneNumber: PHONE }),
      );
    }
  } finally {
    aws.destroy();
  }
}
