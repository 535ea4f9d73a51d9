import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configuredAccountsSchema, organizationScanSchema } from './accounts';
import { alertsConfigSchema } from './alerts';
import { checkThresholdsSchema } from './thresholds';
import { slackChannel, slackPrincipal } from './slackIds';
import { historySettingsSchema, summariesSchema } from './summaries';

/**
 * Who may start scans and use state-changing commands. With no admins named nobody may (scheduled
 * scans still run) unless `allowEveryone` is set, for a small team that trusts its workspace.
 */
export const rolesSchema = z
  .object({
    /** Slack user IDs (U…, W…) and user group IDs (S…) of FTR admins. */
    admins: z.array(slackPrincipal).default([]),
    /** Who may acknowledge and resolve alerts; absent: the admins. */
    responders: z.array(slackPrincipal).optional(),
    /** How long user group membership is cached before `usergroups.users.list` is asked again. */
    groupCacheMinutes: z.number().positive().max(1440).default(5),
    /** Everyone in the workspace may do what admins and responders may. */
    allowEveryone: z.boolean().default(false),
  })
  .strict();

export const slackSettingsSchema = z
  .object({
    /** `/ftr status` reuses a scan this recent instead of starting one. */
    reuseScanMinutes: z.number().min(0).max(7 * 24 * 60).default(15),
    /** Channels where answers go straight to the channel; elsewhere they go to the asker, with a Share button. */
    publicChannels: z.array(slackChannel).default([]),
    /** At most one progress update of a message per this many seconds while a scan runs. */
    progressUpdateSeconds: z.number().min(0.5).max(60).default(2),
    /** Per account, across replicas: an on-demand scan starts at most once per this many minutes (scheduled scans are not counted). */
    scanMinIntervalMinutes: z.number().min(0).max(24 * 60).default(10),
    /** Per person: after starting a scan on demand, someone waits this long before starting another. */
    userScanCooldownMinutes: z.number().min(0).max(24 * 60).default(5),
  })
  .strict();

/** The configuration file (`FTR_CONFIG`), YAML or JSON. Every part has defaults. */
export const appConfigSchema = z
  .object({
    thresholds: checkThresholdsSchema.prefault({}),
    roles: rolesSchema.prefault({}),
    slack: slackSettingsSchema.prefault({}),
    alerts: alertsConfigSchema.prefault({}),
    summaries: summariesSchema,
    history: historySettingsSchema.prefault({}),
    /** More accounts to scan, each through its scanner role. */
    accounts: configuredAccountsSchema,
    organization: organizationScanSchema.prefault({}),
  })
  .strict();

export type AppConfig = z.infer<typeof appConfigSchema>;

/** A setting that is missing or malformed: the message names the setting and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describeIssues(error: z.ZodError, where: string): string {
  const first = error.issues[0];
  const path = first.path.length > 0 ? first.path.join('.') : '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return `${where}: ${path}: ${first.message}${more}`;
}

export function parseAppConfig(raw: unknown, where = 'configuration'): AppConfig {
  const parsed = appConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, where));
  return parsed.data;
}

/** Reads `FTR_CONFIG` when set; defaults otherwise. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const path = env.FTR_CONFIG;
  if (!path) return parseAppConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`FTR_CONFIG: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`FTR_CONFIG: ${path} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseAppConfig(raw, `FTR_CONFIG ${path}`);
}
