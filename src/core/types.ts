import type { AwsAccess } from '../aws/clients';
import type { Inventory } from '../aws/inventory';
import type { CheckThresholds } from '../config/thresholds';

export const STATUSES = ['PASS', 'FAIL', 'ERROR', 'MANUAL', 'NOT_APPLICABLE'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A requirement ID from reference/requirements.md, e.g. `FTR-7.1` or `WAS-IAM-2`. */
export type RequirementId = string;

/** Global checks run once per account; regional checks once per scanned region. */
export type CheckScope = 'global' | 'regional';

/** `automated` checks ask AWS; `attestation` checks need a person's recorded evidence. */
export type CheckKind = 'automated' | 'attestation';

/** What a check says about one evaluated resource. */
export interface Finding {
  resource: string;
  status: Status;
  message: string;
  /** A narrower set of the check's refs, when this finding is evidence for only some of them. */
  refs?: RequirementId[];
  /** Overrides the region of the run, e.g. `global` for an account-wide fact found in a regional run. */
  region?: string;
}

/** One entry of the report's `results` array (contracts/scan-report.schema.json). */
export interface CheckResult {
  checkId: string;
  refs: RequirementId[];
  status: Status;
  severity: Severity;
  accountId: string;
  region: string;
  resource: string;
  message: string;
  remediation?: string;
}

/**
 * The result that says how the bot reached (or could not reach) an account through its scanner
 * role; an ERROR of it alone in an account's report means the account was not scanned.
 */
export const ACCOUNT_ACCESS_CHECK_ID = 'account_access';

/** The report's status counts of a list of results. */
export function statusCounts(results: readonly Pick<CheckResult, 'status'>[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** Everything a check may use, passed in so that every check runs in a test. */
export interface CheckContext {
  accountId: string;
  /** The region this run covers; `global` for global checks. */
  region: string;
  /** The region used for global-service calls (IAM, Organizations, …). */
  homeRegion: string;
  /** Every region of the scan, for global checks that must look across regions. */
  regions: readonly string[];
  aws: AwsAccess;
  inventory: Inventory;
  thresholds: CheckThresholds;
  now: () => Date;
}

/**
 * One check module: what it is (id, refs, title, severity, rationale, remediation)
 * and how it runs. The catalog is the list of these.
 */
export interface Check {
  id: string;
  refs: RequirementId[];
  title: string;
  severity: Severity;
  /** One line quoting what the requirement asks. */
  rationale: string;
  remediation: string;
  scope: CheckScope;
  kind: CheckKind;
  /** For attestation checks: the evidence a person records, e.g. "the runbook's location and the date it was last reviewed". */
  evidence?: string;
  /**
   * The IAM actions the check may call, through shared inventories included, e.g.
   * `s3:ListAllMyBuckets` for the bucket list. The least-privilege policy is their union.
   */
  actions?: readonly string[];
  run(ctx: CheckContext): Promise<Finding[]>;
}
