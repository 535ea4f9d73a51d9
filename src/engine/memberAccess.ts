import { callerAccountId, defaultHomeRegion } from '../aws/account';
import { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import type { AppConfig } from '../config/load';
import { resolveScanTargets, type RoleRegistration, type ScanTarget } from './accounts';
import { openScannerRole } from './scanAccounts';

/** What the bot's sessions that look into a member account for an alert show in its CloudTrail. */
const ALERT_SESSION_NAME = 'ftr-bot-alerts';
/** How long the list of scanned accounts is reused (as the scan service does): new registrations count after this. */
const TARGETS_MS = 5 * 60_000;

/** The bot's access to the member accounts it scans, for work outside a scan (re-checking what an alert is about). */
export interface MemberAccounts {
  /**
   * The account's access through its scanner role, the same way a scan reaches it (its external
   * ID, its trust policy checked); kept, its credentials renewed before they expire. Undefined for
   * an account the bot does not scan through a role; rejects, saying why, when the role cannot be used.
   */
  access(accountId: string): Promise<AwsAccess | undefined>;
  /** Ends every access handed out. */
  close(): void;
}

export interface MemberAccountsInput {
  config: AppConfig;
  /** The account's registration (its external ID), from the store. */
  registration: (accountId: string) => Promise<RoleRegistration | undefined>;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export function memberAccounts(input: MemberAccountsInput): MemberAccounts {
  const env = input.env ?? process.env;
  const now = input.now ?? (() => new Date());
  const homeRegion = defaultHomeRegion(env);
  const control = new AwsAccess({ env });
  let botAccount: Promise<string> | undefined;
  let targets: { at: number; list: Promise<ScanTarget[]> } | undefined;
  /** Per account, role and external ID: a rotated external ID or a moved role opens a new session. */
  const sessions = new Map<string, Promise<AwsAccess>>();

  // Here and below, a failure is not kept: the next call asks again.
  const botAccountId = (): Promise<string> => {
    if (botAccount) return botAccount;
    const asked = callerAccountId(control, homeRegion);
    botAccount = asked;
    asked.catch(() => {
      if (botAccount === asked) botAccount = undefined;
    });
    return asked;
  };

  const scanned = (): Promise<ScanTarget[]> => {
    if (targets && now().getTime() - targets.at < TARGETS_MS) return targets.list;
    const list = botAccountId().then(async (ambientAccountId) => {
      const resolved = await resolveScanTargets({
        ambientAccountId,
        accounts: input.config.accounts,
        organization: input.config.organization,
        ambient: control,
        homeRegion,
        registration: input.registration,
      });
      return resolved.targets;
    });
    targets = { at: now().getTime(), list };
    list.catch(() => {
      if (targets?.list === list) targets = undefined;
    });
    return list;
  };

  const open = async (role: { roleArn: string; externalId: string }): Promise<AwsAccess> => {
    const session = await openScannerRole({
      role,
      control,
      homeRegion,
      botAccountId: await botAccountId(),
      env,
      sessionName: ALERT_SESSION_NAME,
      now,
      consequence: 'the bot does not look into the account',
    });
    if (session.kind === 'notAssumed') throw new Error(`assuming role ${role.roleArn} with its external ID failed: ${describeError(session.error)}`);
    if (session.kind === 'refused') throw new Error(session.reason);
    return session.aws;
  };

  return {
    async access(accountId) {
      const target = (await scanned()).find((t) => t.accountId === accountId);
      if (!target || target.access.kind === 'ambient') return undefined;
      if (target.access.kind === 'unreachable') throw new Error(target.access.reason);
      const { roleArn, externalId } = target.access;
      const key = `${accountId}|${roleArn}|${externalId}`;
      const known = sessions.get(key);
      if (known) return known;
      const opening = open({ roleArn, externalId });
      sessions.set(key, opening);
      opening.catch(() => {
        if (sessions.get(key) === opening) sessions.delete(key);
      });
      return opening;
    },
    close() {
      for (const session of sessions.values()) void session.then((aws) => aws.destroy(), () => undefined);
      sessions.clear();
      control.destroy();
    },
  };
}
