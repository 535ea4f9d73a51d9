import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkThresholdsSchema } from './thresholds';

/** The configuration file (`FTR_CONFIG`), YAML or JSON. Every part has defaults. */
export const appConfigSchema = z
  .object({
    thresholds: checkThresholdsSchema.prefault({}),
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
