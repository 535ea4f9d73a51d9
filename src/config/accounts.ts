import { z } from 'zod';

export const accountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quote it in YAML)');

/** The name of an IAM role, as CloudFormation and IAM accept it. */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
export const DEFAULT_SCANNER_ROLE_NAME = 'ftr-bot-scanner';

/** `arn:<partition>:iam::<account>:role/<path/><name>`: the account is the second capture. */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** The account id in an IAM role ARN, or undefined when `arn` is not one. */
export function roleArnAccount(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[2];
}

/** The role name at the end of an IAM role ARN. */
export function roleArnName(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[3];
}

/** One more account to scan, through its scanner role; the external ID comes from the bot's store (`ftr accounts add`), never from here. */
export const configuredAccountSchema = z
  .object({
    id: accountIdSchema,
    roleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::210987654321:role/ftr-bot-scanner'),
    /** A short name people use for the account, e.g. in `/ftr status payments-prod`. */
    alias: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')
      .refine((alias) => !/^\d{12}$/.test(alias), 'must not look like an account id')
      .optional(),
  })
  .strict()
  .refine((account) => {
    const arnAccount = roleArnAccount(account.roleArn);
    // A malformed id or ARN is reported on its own.
    return arnAccount === undefined || !/^\d{12}$/.test(account.id) || arnAccount === account.id;
  }, {
    message: 'must be a role of the account itself (the account id in the ARN differs from id)',
    path: ['roleArn'],
  });

export const configuredAccountsSchema = z
  .array(configuredAccountSchema)
  .default([])
  .superRefine((accounts, ctx) => {
    const seen = new Map<string, number>();
    accounts.forEach((account, index) => {
      for (const name of [account.id, account.alias].filter((n): n is string => n !== undefined)) {
        const first = seen.get(name.toLowerCase());
        if (first !== undefined && first !== index) ctx.addIssue({ code: 'custom', path: [index], message: `"${name}" is listed twice (also at accounts.${first})` });
        seen.set(name.toLowerCase(), index);
      }
    });
  });

/** An organization root (`r-…`) or organizational unit (`ou-…`) id. */
const organizationParentId = z
  .string()
  .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, 'must be an organizational unit id (ou-…) or a root id (r-…)');

/**
 * Scanning the member accounts of the bot's AWS Organization, when the bot's account may list
 * them (the management account or a delegated administrator).
 */
export const organizationScanSchema = z
  .object({
    /** Scan every ACTIVE member account, each through its scanner role. */
    scanMembers: z.boolean().default(false),
    /** Only the accounts under these OUs (or roots), at any depth; every member account when absent. */
    organizationalUnits: z.array(organizationParentId).min(1).optional(),
    /** The scanner role's name in member accounts (the scanner-role template's RoleName). */
    roleName: z.string().regex(ROLE_NAME, 'must be an IAM role name (1–64 letters, digits and +=,.@_-)').default(DEFAULT_SCANNER_ROLE_NAME),
    /** Accounts scanned at once, the configured `accounts` included (each runs its own checks concurrently). */
    accountConcurrency: z.number().int().min(1).max(32).default(4),
  })
  .strict();

export type ConfiguredAccount = z.infer<typeof configuredAccountSchema>;
export type OrganizationScan = z.infer<typeof organizationScanSchema>;
