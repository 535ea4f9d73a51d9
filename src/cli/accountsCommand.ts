import { userInfo } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_SCANNER_ROLE_NAME, ROLE_ARN, ROLE_NAME, roleArnName } from '../config/accounts';
import type { AppConfig } from '../config/load';
import { partitionOf } from '../engine/accounts';
import { accountRegistrations, maskExternalId, registerAccount, type AccountRegistration } from '../store/accountRegistry';
import type { Store } from '../store';

/** Why `ftr accounts …` could not do what was asked: one line for the user. */
export class AccountsCommandError extends Error {
  override name = 'AccountsCommandError';
}

/** The local user name, for who generated an external ID. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function parseRoleName(text: string): string {
  if (!ROLE_NAME.test(text)) throw new InvalidArgumentError('an IAM role name is 1–64 letters, digits and +=,.@_-');
  return text;
}

export function parseRoleArn(text: string): string {
  if (!ROLE_ARN.test(text)) throw new InvalidArgumentError('give an IAM role ARN such as arn:aws:iam::123456789012:role/ftr-bot-task');
  return text;
}

export interface AccountsContext {
  store: Pick<Store, 'get' | 'put'>;
  config: AppConfig;
  homeRegion: string;
  now: () => Date;
  /** Who runs the command, for the registration's `createdBy`. */
  actor: string;
}

export interface AddAccountOptions {
  accountId: string;
  roleName?: string;
  rotate?: boolean;
  /** The bot's task role, which the scanner role trusts; a placeholder is printed without it. */
  botRoleArn?: string;
}

/** The scanner role's ARN in an account, as the scan will use it: configured, else registered, else the organization's role name. */
function scannerRoleArn(accountId: string, ctx: Pick<AccountsContext, 'config' | 'homeRegion'>, registration?: Pick<AccountRegistration, 'roleArn'>): string {
  const configured = ctx.config.accounts.find((a) => a.id === accountId);
  return configured?.roleArn ?? registration?.roleArn ?? `arn:${partitionOf(ctx.homeRegion)}:iam::${accountId}:role/${ctx.config.organization.roleName}`;
}

/** The lines that deploy the scanner-role template with the account's parameters, as a stack and as a StackSet instance. */
export function scannerRoleDeployment(input: { accountId: string; externalId: string; roleName: string; botRoleArn?: string; homeRegion: string }): string {
  const botRoleArn = input.botRoleArn ?? 'arn:aws:iam::<bot account id>:role/<the bot task role>';
  const parameters: Array<[string, string]> = [
    ['ExternalId', input.externalId],
    ['BotTaskRoleArn', botRoleArn],
    ['RoleName', input.roleName],
  ];
  return [
    `With credentials of account ${input.accountId}:`,
    `  aws cloudformation deploy --stack-name ${input.roleName} --template-file deploy/scanner-role.yaml --capabilities CAPABILITY_NAMED_IAM --parameter-overrides ${parameters.map(([k, v]) => `${k}=${v}`).join(' ')}`,
    `Or, as an instance of a StackSet made from deploy/scanner-role.yaml (its ExternalId overridden for this account alone):`,
    `  aws cloudformation create-stack-instances --stack-set-name ${input.roleName} --accounts ${input.accountId} --regions ${input.homeRegion} --parameter-overrides ${parameters.map(([k, v]) => `ParameterKey=${k},ParameterValue=${v}`).join(' ')}`,
  ].join('\n');
}

/**
 * `ftr accounts add`: generates and stores the account's external ID (refusing to replace one
 * unless `rotate`) and prints how to deploy the scanner role with it.
 */
export async function addAccount(options: AddAccountOptions, ctx: AccountsContext): Promise<string> {
  const configured = ctx.config.accounts.find((a) => a.id === options.accountId);
  const configuredName = configured && roleArnName(configured.roleArn);
  if (options.roleName && configuredName && options.roleName !== configuredName) {
    throw new AccountsCommandError(`--role-name ${options.roleName}: the configuration file names role ${configured.roleArn} for account ${options.accountId}; change it there`);
  }
  const roleArn = options.roleName ? `arn:${partitionOf(ctx.homeRegion)}:iam::${options.accountId}:role/${options.roleName}` : undefined;
  let registration: AccountRegistration;
  try {
    registration = await registerAccount(ctx.store, { accountId: options.accountId, roleArn, createdBy: ctx.actor, rotate: options.rotate, now: ctx.now });
  } catch (err) {
    throw new AccountsCommandError((err as Error).message);
  }
  const arn = scannerRoleArn(options.accountId, ctx, registration);
  const lines = [
    `${options.rotate ? 'Replaced' : 'Generated'} the external ID of account ${options.accountId}. The bot keeps it and presents it when it assumes ${arn}; give it to the account owner for the role's trust policy, and do not let anyone choose another:`,
    `  ${registration.externalId}`,
    '',
    scannerRoleDeployment({
      accountId: options.accountId,
      externalId: registration.externalId,
      roleName: roleArnName(arn) ?? DEFAULT_SCANNER_ROLE_NAME,
      botRoleArn: options.botRoleArn,
      homeRegion: ctx.homeRegion,
    }),
  ];
  if (!configured && !ctx.config.organization.scanMembers) {
    lines.push('', 'Then list the account in the configuration file (FTR_CONFIG):', 'accounts:', `  - id: "${options.accountId}"`, `    roleArn: ${arn}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `ftr accounts list`: registered and configured accounts, external IDs masked but for their last 4 characters. */
export async function listAccounts(ctx: Pick<AccountsContext, 'store' | 'config' | 'homeRegion'>): Promise<string> {
  const registrations = new Map((await accountRegistrations(ctx.store)).map((r) => [r.accountId, r]));
  const ids = [...new Set([...ctx.config.accounts.map((a) => a.id), ...registrations.keys()])];
  if (ids.length === 0) return 'No accounts registered: npx ftr accounts add <account id>\n';
  const rows = ids.map((id) => {
    const registration = registrations.get(id);
    const alias = ctx.config.accounts.find((a) => a.id === id)?.alias;
    return [
      alias ? `${id} (${alias})` : id,
      registration ? maskExternalId(registration.externalId) : `none: npx ftr accounts add ${id}`,
      scannerRoleArn(id, ctx, registration),
      registration ? `${registration.createdAt.slice(0, 10)} ${registration.createdBy}` : '',
    ];
  });
  const header = ['ACCOUNT', 'EXTERNAL ID', 'ROLE', 'CREATED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return `${[header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`;
}
