import { GenerateCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { ACCOUNT_ID, testAccess } from '../../support/aws';

export const DAY_MS = 86_400_000;

/** The clock of the mocked scenarios. */
export const NOW = new Date('2025-06-30T12:00:00Z');
export const daysBefore = (days: number, from = NOW) => new Date(from.getTime() - days * DAY_MS);
/** A credential report timestamp, as AWS writes it. */
export const reportTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** The credential report's columns, in AWS's order (IAM User Guide, "Getting credential reports"). */
const COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation',
  'mfa_active', 'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region',
  'access_key_1_last_used_service', 'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date',
  'access_key_2_last_used_region', 'access_key_2_last_used_service', 'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const;
export type ReportRow = Partial<Record<(typeof COLUMNS)[number], string>>;

/** A user with no credentials; override the columns a scenario needs. */
export function userRow(name: string, values: ReportRow = {}): ReportRow {
  const row: ReportRow = { user: name, arn: `arn:aws:iam::${ACCOUNT_ID}:user/${name}`, user_creation_time: reportTime(daysBefore(400)), password_enabled: 'false', password_last_used: 'N/A', password_last_changed: 'N/A', password_next_rotation: 'N/A', mfa_active: 'false' };
  for (const n of [1, 2]) {
    Object.assign(row, { [`access_key_${n}_active`]: 'false', [`access_key_${n}_last_rotated`]: 'N/A', [`access_key_${n}_last_used_date`]: 'N/A', [`access_key_${n}_last_used_region`]: 'N/A', [`access_key_${n}_last_used_service`]: 'N/A' });
  }
  return { ...row, cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false', cert_2_last_rotated: 'N/A', ...values };
}

/** The root row as AWS writes it: password columns `not_supported` except last used. */
export function rootRow(values: ReportRow = {}): ReportRow {
  return userRow('<root_account>', {
    arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
    password_enabled: 'not_supported',
    password_last_used: 'no_information',
    password_last_changed: 'not_supported',
    password_next_rotation: 'not_supported',
    mfa_active: 'true',
    ...values,
  });
}

export function credentialReportCsv(rows: ReportRow[]): string {
  return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => row[c] ?? 'N/A').join(','))].join('\n') + '\n';
}

/** GetCredentialReport's response for `rows`. */
export const credentialReport = (rows: ReportRow[]) => ({
  Content: new TextEncoder().encode(credentialReportCsv(rows)),
  ReportFormat: 'text/csv' as const,
  GeneratedTime: NOW,
});

/**
 * Stubs IAMClient so that only the commands a test sets up are answered by the stub;
 * every other command still goes to moto.
 */
export function iamMock(): AwsStub<any, any, any> {
  const mock = mockClient(IAMClient);
  mock.send.callThrough();
  return mock;
}

/**
 * Runs `seed` with a real IAM client pointed at moto, then starts the credential report
 * (moto builds its content when it is fetched) so that the scan need not wait for it.
 */
export async function seedIam(seed: (iam: IAMClient) => Promise<unknown>): Promise<void> {
  const aws = testAccess();
  try {
    const iam = aws.client(IAMClient, 'us-east-1');
    await seed(iam);
    await iam.send(new GenerateCredentialReportCommand({}));
  } finally {
    aws.destroy();
  }
}

/** A policy document as JSON text. */
export const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
