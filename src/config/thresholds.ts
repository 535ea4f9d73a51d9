import { z } from 'zod';

/**
 * Every tunable threshold a check uses, in one object. Defaults follow the FTR and
 * CIS AWS Foundations wording; a configuration file may override any of them.
 */
export const checkThresholdsSchema = z
  .object({
    /** FTR-3.1: root password or key use within this many days fails. */
    rootUseWindowDays: z.number().int().positive().default(90),
    /** FTR-7.2: active access keys older than this many days fail. */
    accessKeyMaxAgeDays: z.number().int().positive().default(90),
    /** FTR-7.7: passwords and access keys unused for this many days fail. */
    unusedCredentialDays: z.number().int().positive().default(90),
    /** FTR-7.7: roles unused for this many days fail. */
    unusedRoleDays: z.number().int().positive().default(90),
    /** FTR-7.3: the password policy must be at least this strong. */
    passwordPolicy: z
      .object({
        minimumLength: z.number().int().min(6).max(128).default(14),
        requireUppercase: z.boolean().default(true),
        requireLowercase: z.boolean().default(true),
        requireNumbers: z.boolean().default(true),
        requireSymbols: z.boolean().default(true),
        reusePrevention: z.number().int().min(0).max(24).default(24),
      })
      .prefault({}),
    /** FTR-11.3: accounts (12 digits) trusted as if they were the scanned account's own. */
    trustedAccountIds: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id')).default([]),
    /** FTR-5.2: e-mail domains the company owns; contacts elsewhere fail. Empty: only free-mail is flagged. */
    companyDomains: z.array(z.string().min(1)).default([]),
    /** FTR-2.1: a Well-Architected review older than this many days fails. */
    wellArchitectedReviewMaxAgeDays: z.number().int().positive().default(365),
    /** FTR-8.2: a restore job or restore test within this many days passes. */
    restoreTestWindowDays: z.number().int().positive().default(365),
    /**
     * FTR-7.6: roles meant to be administrators (break-glass, Identity Center admin permission
     * sets), by name or ARN, `*` matching any characters; their admin grants are reported as accepted.
     */
    acceptedAdminRoles: z.array(z.string().min(1)).default([]),
    /** WAS-INF-1: patch compliance data older than this many days is not evidence. */
    patchComplianceMaxAgeDays: z.number().int().positive().default(30),
    /** WAS-DP-2: certificates expiring within this many days fail. */
    certificateExpiryDays: z.number().int().positive().default(30),
  })
  .strict();

export type CheckThresholds = z.infer<typeof checkThresholdsSchema>;

export const DEFAULT_THRESHOLDS: CheckThresholds = checkThresholdsSchema.parse({});
