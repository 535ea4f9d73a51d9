import pLimit from 'p-limit';
import { defaultHomeRegion, enabledRegions } from '../aws/account';
import { assumeRoleCredentials, scannerRoleTrust, type ScannerRoleTrust } from '../aws/assumeRole';
import { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import { RequestCounter } from '../aws/requestCounter';
import { catalog } from '../checks/catalog';
import type { AppConfig } from '../config/load';
import type { CheckThresholds } from '../config/thresholds';
import { ACCOUNT_ACCESS_CHECK_ID, statusCounts, type Check, type CheckResult, type RequirementId, type Status } from '../core/types';
import { resolveScanTargets, type RoleRegistration, type ScanTarget } from './accounts';
import { runScan, type ScanProgress, type ScanReport } from './scan';
import { accountScope, ScanSetupError } from './scanAccount';


/**
 * FTR-11.1 (cross-account roles to reach customer accounts) is what this result is evidence of:
 * the bot reaches every account but its own through a role, or says why it could not.
 * FTR-11.3 is added where the role's trust policy was read (it requires the external ID or not);
 * FTR-11.4 where the bot has generated no external ID for the account.
 */
const ROLE_ACCESS: RequirementId[] = ['FTR-11.1'];
const ROLE_TRUST: RequirementId[] = ['FTR-11.1', 'FTR-11.3'];
const NO_EXTERNAL_ID: RequirementId[] = ['FTR-11.1', 'FTR-11.4'];

const ROLE_REMEDIATION =
  'Deploy deploy/scanner-role.yaml in the account with the parameters `npx ftr accounts add <account id>` printed (ExternalId, BotTaskRoleArn, RoleName), or correct the roleArn under `accounts` in the configuration file.';

/** The RoleSessionName the bot's sessions show in the scanned accounts' CloudTrail. */
const SCAN_SESSION_NAME = 'ftr-bot-scan';

/** Progress across accounts: the sum of every account's check runs, and which account moved. */
export interface AccountsScanProgress extends ScanProgress {
  accountId: string;
  accountsDone: number;
  accountsTotal: number;
}

export interface AccountsScanRequest {
  config: AppConfig;
  /** Regions to scan in every account; each account's enabled regions when absent. */
  regions?: string[];
  checks?: readonly Check[];
  env?: NodeJS.ProcessEnv;
  /** The account's registration (its external ID), from the store. */
  registration: (accountId: string) => Promise<RoleRegistration | undefined>;
  onProgress?: (progress: AccountsScanProgress) => void;
  /** Each account's report as soon as it is done (to keep per account). */
  onAccountReport?: (report: ScanReport, target: ScanTarget) => void;
  /** Runs one account's checks; the engine's by default. */
  runScan?: typeof runScan;
  now?: () => Date;
}

/** What scanning one target needs besides the target. */
export interface TargetScanContext {
  /** The bot's own access: STS AssumeRole and its own account's checks use its credentials. */
  ambient: { accountId: string; regions: string[]; env: NodeJS.ProcessEnv };
  control: AwsAccess;
  homeRegion: string;
  regions?: string[];
  checks: readonly Check[];
  thresholds: CheckThresholds;
  runScan: typeof runScan;
  now: () => Date;
  onProgress?: (progress: ScanProgress) => void;
}

function named(target: ScanTarget): string {
  return target.alias ? `account ${target.accountId} (${target.alias})` : `account ${target.accountId}`;
}

function accessResult(target: ScanTarget, roleArn: string, status: Status, refs: RequirementId[], message: string): CheckResult {
  return {
    checkId: ACCOUNT_ACCESS_CHECK_ID,
    refs,
    status,
    severity: 'high',
    accountId: target.accountId,
    region: 'global',
    resource: roleArn,
    message,
    ...(status === 'PASS' ? {} : { remediation: ROLE_REMEDIATION }),
  };
}

/** The report of an account the bot could not scan: its one ERROR result. */
function unscanned(target: ScanTarget, result: CheckResult, now: () => Date, counter: RequestCounter): ScanReport {
  return {
    schemaVersion: 1,
    generatedAt: now().toISOString(),
    accounts: [target.accountId],
    regions: [],
    summary: { ...statusCounts([result]), durationMs: 0, awsRequests: { total: counter.total, byOperation: counter.byOperation() } },
    results: [result],
  };
}

/**
 * Why a trust policy keeps the bot out, ending in `consequence` (what not using the role means),
 * or undefined when the bot may use the role.
 */
function trustRefusal(trust: ScannerRoleTrust, roleArn: string, botAccountId: string, consequence: string): string | undefined {
  switch (trust.kind) {
    case 'missing':
      return `Role ${roleArn} does not exist, so ${consequence}.`;
    case 'notTrusted':
      return `Role ${roleArn} does not trust the bot's account ${botAccountId}, so ${consequence}.`;
    case 'unguarded':
      return `Role ${roleArn} lets account ${botAccountId} assume it without an external ID, so whoever can make that account assume a role could use it (confused deputy); the bot does not use it and ${consequence}.`;
    case 'otherExternalId':
      return `Role ${roleArn} requires an external ID other than the one the bot generated for this account, so the bot does not use it and ${consequence}.`;
    default:
      return undefined;
  }
}

/**
 * An account's scanner role, assumed with the account's external ID: its access (the caller
 * destroys it) with what its trust policy demands; or the AssumeRole failure; or why its trust
 * policy keeps the bot from using it (ending in the caller's consequence).
 */
export type ScannerRoleSession =
  | { kind: 'open'; aws: AwsAccess; trust: ScannerRoleTrust }
  | { kind: 'notAssumed'; error: unknown }
  | { kind: 'refused'; refs: RequirementId[]; reason: string };

export interface ScannerRoleRequest {
  role: { roleArn: string; externalId: string };
  /** The bot's own access: STS AssumeRole is asked with it, and renews the credentials before they expire. */
  control: AwsAccess;
  homeRegion: string;
  botAccountId: string;
  env: NodeJS.ProcessEnv;
  /** Shows in the account's CloudTrail. */
  sessionName: string;
  now: () => Date;
  /** Counts the role's requests (a scan's report shows them). */
  counter?: RequestCounter;
  /** What not using the role means, e.g. "the account was not scanned". */
  consequence: string;
}

/**
 * Assumes the scanner role and reads its trust policy: a role that would let the bot in without
 * the external ID it generated (a confused deputy), or only with another one, is not used.
 */
export async function openScannerRole(request: ScannerRoleRequest): Promise<ScannerRoleSession> {
  const { roleArn, externalId } = request.role;
  const credentials = assumeRoleCredentials(request.control, request.homeRegion, { roleArn, externalId, sessionName: request.sessionName }, request.now);
  try {
    await credentials();
  } catch (error) {
    return { kind: 'notAssumed', error };
  }
  const aws = new AwsAccess({ env: request.env, credentials, counter: request.counter });
  try {
    const trust = await scannerRoleTrust(aws, request.homeRegion, roleArn, request.botAccountId, externalId);
    const refusal = trustRefusal(trust, roleArn, request.botAccountId, request.consequence);
    if (!refusal) return { kind: 'open', aws, trust };
    aws.destroy();
    return { kind: 'refused', refs: trust.kind === 'unguarded' || trust.kind === 'otherExternalId' ? ROLE_TRUST : ROLE_ACCESS, reason: refusal };
  } catch (err) {
    aws.destroy();
    throw err;
  }
}

/**
 * Scans one account: the bot's own with its own credentials, any other through its scanner role
 * (AssumeRole with the account's external ID, then the role's trust policy is checked). An
 * account the bot cannot reach yields one ERROR result saying why, never an exception.
 */
export async function scanTarget(target: ScanTarget, ctx: TargetScanContext): Promise<ScanReport> {
  const { access } = target;
  const scanWith = (aws: AwsAccess, regions: string[]) =>
    ctx.runScan({
      checks: ctx.checks,
      accountId: target.accountId,
      regions,
      homeRegion: ctx.homeRegion,
      aws,
      thresholds: ctx.thresholds,
      onProgress: ctx.onProgress,
      now: ctx.now,
    });
  if (access.kind === 'ambient') {
    const aws = new AwsAccess({ env: ctx.ambient.env });
    try {
      return await scanWith(aws, ctx.ambient.regions);
    } finally {
      aws.destroy();
    }
  }
  const counter = new RequestCounter();
  if (access.kind === 'unreachable') {
    return unscanned(target, accessResult(target, access.roleArn, 'ERROR', NO_EXTERNAL_ID, `Cannot scan ${named(target)}: ${access.reason}.`), ctx.now, counter);
  }
  const fail = (refs: RequirementId[], message: string) => unscanned(target, accessResult(target, access.roleArn, 'ERROR', refs, message), ctx.now, counter);
  const role = await openScannerRole({
    role: access,
    control: ctx.control,
    homeRegion: ctx.homeRegion,
    botAccountId: ctx.ambient.accountId,
    env: ctx.ambient.env,
    sessionName: SCAN_SESSION_NAME,
    now: ctx.now,
    counter,
    consequence: 'the account was not scanned',
  });
  if (role.kind === 'notAssumed') {
    return fail(ROLE_ACCESS, `Cannot scan ${named(target)}: assuming role ${access.roleArn} with its external ID failed: ${describeError(role.error)}.`);
  }
  if (role.kind === 'refused') return fail(role.refs, role.reason);
  const { aws, trust } = role;
  try {
    let regions: string[];
    try {
      regions = ctx.regions ?? (await enabledRegions(aws, ctx.homeRegion));
    } catch (err) {
      return fail(ROLE_ACCESS, `Cannot scan ${named(target)}: listing its enabled regions through role ${access.roleArn} failed: ${describeError(err)}.`);
    }
    const report = await scanWith(aws, regions);
    const evidence =
      trust.kind === 'requires'
        ? accessResult(target, access.roleArn, 'PASS', ROLE_TRUST, `Scanned through role ${access.roleArn}, assumed with the external ID the bot generated for this account; the role's trust policy requires it.`)
        : accessResult(
            target,
            access.roleArn,
            'PASS',
            ROLE_ACCESS,
            `Scanned through role ${access.roleArn}, assumed with the external ID the bot generated for this account; whether its trust policy requires the ID is not shown (${trust.kind === 'unknown' ? trust.reason : trust.kind}).`,
          );
    const results = [evidence, ...report.results];
    return { ...report, results, summary: { ...report.summary, ...statusCounts(results) } };
  } finally {
    aws.destroy();
  }
}

/** Adds up per-operation request counts. */
function addRequests(into: Map<string, number>, byOperation: Record<string, number>): void {
  for (const [operation, n] of Object.entries(byOperation)) into.set(operation, (into.get(operation) ?? 0) + n);
}

/**
 * One report of several accounts: every account in `accounts` (those that could not be scanned
 * too), every result, the regions of any account, and the AWS requests of all of them plus `extra`
 * (the bot's own STS and Organizations calls).
 */
export function mergeReports(reports: readonly ScanReport[], extra: { generatedAt: string; durationMs: number; requests: Record<string, number>; results?: CheckResult[] }): ScanReport {
  const results = [...(extra.results ?? []), ...reports.flatMap((r) => r.results)];
  const requests = new Map<string, number>();
  addRequests(requests, extra.requests);
  for (const report of reports) addRequests(requests, report.summary.awsRequests.byOperation);
  const byOperation = Object.fromEntries([...requests.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    schemaVersion: 1,
    generatedAt: extra.generatedAt,
    accounts: [...new Set(reports.flatMap((r) => r.accounts))],
    regions: [...new Set(reports.flatMap((r) => r.regions))],
    summary: {
      ...statusCounts(results),
      durationMs: extra.durationMs,
      awsRequests: { total: [...requests.values()].reduce((a, b) => a + b, 0), byOperation },
    },
    results,
  };
}

/** Sums the progress of concurrent account scans; an account not started yet counts as `estimate` check runs. */
function progressAcross(targets: readonly ScanTarget[], estimate: number, emit?: (progress: AccountsScanProgress) => void) {
  const done = new Map<string, number>();
  const totals = new Map<string, number>();
  let accountsDone = 0;
  const send = (accountId: string, checkId: string, region: string) => {
    if (!emit) return;
    let sumDone = 0;
    let sumTotal = 0;
    for (const t of targets) {
      sumDone += done.get(t.accountId) ?? 0;
      sumTotal += totals.get(t.accountId) ?? estimate;
    }
    emit({ done: sumDone, total: Math.max(sumTotal, sumDone), checkId, region, accountId, accountsDone, accountsTotal: targets.length });
  };
  return {
    step(accountId: string, progress: ScanProgress) {
      done.set(accountId, progress.done);
      totals.set(accountId, progress.total);
      send(accountId, progress.checkId, progress.region);
    },
    finished(accountId: string) {
      accountsDone += 1;
      // An account that could not be scanned ran no checks.
      totals.set(accountId, done.get(accountId) ?? 0);
      send(accountId, ACCOUNT_ACCESS_CHECK_ID, 'global');
    },
  };
}

/** Check runs of one account scanned in `regionCount` regions. */
function taskCount(checks: readonly Check[], regionCount: number): number {
  return checks.reduce((n, check) => n + (check.scope === 'global' ? 1 : regionCount), 0);
}

/** The targets of one scan and what scanning each needs; `close` when done. */
interface ScanSession {
  ambientAccountId: string;
  targets: ScanTarget[];
  organizationError?: string;
  control: AwsAccess;
  /** Check runs of an account scanned in the bot's own regions, for progress before an account's regions are known. */
  estimatedTasks: number;
  context(onProgress?: (progress: ScanProgress) => void): TargetScanContext;
  close(): void;
}

type SessionRequest = Omit<AccountsScanRequest, 'onProgress' | 'onAccountReport'>;

/** Resolves the bot's own account and regions (a ScanSetupError when its credentials fail) and the targets. */
async function openSession(request: SessionRequest): Promise<ScanSession> {
  const env = request.env ?? process.env;
  const now = request.now ?? (() => new Date());
  const homeRegion = defaultHomeRegion(env);
  const checks = request.checks ?? catalog;
  const control = new AwsAccess({ env });
  try {
    const ambient = await accountScope(control, homeRegion, request.regions);
    const { targets, organizationError } = await resolveScanTargets({
      ambientAccountId: ambient.accountId,
      accounts: request.config.accounts,
      organization: request.config.organization,
      ambient: control,
      homeRegion,
      registration: request.registration,
    });
    return {
      ambientAccountId: ambient.accountId,
      targets,
      organizationError,
      control,
      estimatedTasks: taskCount(checks, ambient.regions.length),
      context: (onProgress) => ({
        ambient: { ...ambient, env },
        control,
        homeRegion,
        regions: request.regions,
        checks,
        thresholds: request.config.thresholds,
        runScan: request.runScan ?? runScan,
        now,
        onProgress,
      }),
      close: () => control.destroy(),
    };
  } catch (err) {
    control.destroy();
    throw err;
  }
}

function organizationResult(accountId: string, error: string): CheckResult {
  return {
    checkId: ACCOUNT_ACCESS_CHECK_ID,
    refs: ROLE_ACCESS,
    status: 'ERROR',
    severity: 'high',
    accountId,
    region: 'global',
    resource: 'organization',
    message: `The organization's member accounts could not be listed (${error}), so only the configured accounts were scanned.`,
    remediation:
      'Run the bot in the management account or a delegated administrator account, and allow organizations:ListAccounts, ListAccountsForParent and ListOrganizationalUnitsForParent to its role.',
  };
}

/**
 * Scans the bot's own account, the configured accounts and (when configured) the organization's
 * member accounts, at most `organization.accountConcurrency` at once, each through its scanner
 * role with its own external ID, into one report. An account that cannot be reached is an ERROR
 * for that account; only the bot's own credentials failing stops the scan (ScanSetupError).
 */
export async function scanAccounts(request: AccountsScanRequest): Promise<ScanReport> {
  const started = Date.now();
  const now = request.now ?? (() => new Date());
  const session = await openSession(request);
  try {
    const { targets } = session;
    const progress = progressAcross(targets, session.estimatedTasks, request.onProgress);
    const limit = pLimit(request.config.organization.accountConcurrency);
    const reports = await Promise.all(
      targets.map((target) =>
        limit(async () => {
          const report = await scanTarget(target, session.context((p) => progress.step(target.accountId, p)));
          progress.finished(target.accountId);
          request.onAccountReport?.(report, target);
          return report;
        }),
      ),
    );
    return mergeReports(reports, {
      generatedAt: now().toISOString(),
      durationMs: Date.now() - started,
      requests: session.control.counter.byOperation(),
      results: session.organizationError ? [organizationResult(session.ambientAccountId, session.organizationError)] : [],
    });
  } finally {
    session.close();
  }
}

/**
 * The accounts one at a time, for a service that keeps a report per account: `accounts` lists
 * them as a scan would reach them (the bot's own first), `scan` scans one of them. The bot's
 * own account's report carries the ERROR of an organization that could not be listed.
 */
export function accountsScanner(request: SessionRequest): {
  accounts(): Promise<ScanTarget[]>;
  scan(accountId: string, onProgress?: (progress: ScanProgress) => void): Promise<ScanReport>;
} {
  return {
    async accounts() {
      const session = await openSession(request);
      session.close();
      return session.targets;
    },
    async scan(accountId, onProgress) {
      const session = await openSession(request);
      try {
        const target = session.targets.find((t) => t.accountId === accountId);
        if (!target) throw new ScanSetupError(`account ${accountId} is neither the bot's own nor configured under accounts or organization`);
        const report = await scanTarget(target, session.context(onProgress));
        // With the bot's own requests for it (identity, AssumeRole, Organizations).
        return mergeReports([report], {
          generatedAt: report.generatedAt,
          durationMs: report.summary.durationMs,
          requests: session.control.counter.byOperation(),
          results: target.access.kind === 'ambient' && session.organizationError ? [organizationResult(accountId, session.organizationError)] : [],
        });
      } finally {
        session.close();
      }
    },
  };
}
