/**
 * The IAM actions behind the shared inventories the identity checks read, by IAM name,
 * so that each check can declare what it calls through them. (The authorization details
 * inventory declares its own: IAM_AUTHORIZATION_DETAILS_ACTIONS.)
 */
/** iamCredentialReport: generates the report, then downloads it. */
export const CREDENTIAL_REPORT_ACTIONS = ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] as const;

/** iamAccountSummary. */
export const ACCOUNT_SUMMARY_ACTIONS = ['iam:GetAccountSummary'] as const;

/** iamVirtualMfaDevices. */
export const VIRTUAL_MFA_DEVICE_ACTIONS = ['iam:ListVirtualMFADevices'] as const;

/** iamIdentityCenterInstances. */
export const IDENTITY_CENTER_INSTANCE_ACTIONS = ['sso:ListInstances'] as const;

/** The organization inventory and its account list (organizationAccountIds). */
export const ORGANIZATION_ACTIONS = ['organizations:DescribeOrganization', 'organizations:ListAccounts'] as const;

/** The union of action lists, sorted and without repeats, for a check's `actions`. */
export function actionList(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())].sort();
}
