import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const root = path.join(__dirname, '..', '..');
export const SERVICE_TEMPLATE = 'deploy/ftr-bot.yaml';
export const SCANNER_ROLE_TEMPLATE = 'deploy/scanner-role.yaml';

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, any>;
}

export interface Template {
  Parameters: Record<string, { Type: string; Default?: unknown; AllowedPattern?: string; MinLength?: number; MaxLength?: number }>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
}

export function templateText(file: string): string {
  return readFileSync(path.join(root, file), 'utf8');
}

/** A template in long-form intrinsic functions, which plain YAML parses. */
export function loadTemplate(file: string): Template {
  return parse(templateText(file)) as Template;
}

export function resourcesOfType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Every statement of every policy the template writes, by the resource that holds it. */
export function statementsOf(template: Template, resourceName: string): Statement[] {
  const properties = template.Resources[resourceName].Properties;
  const documents = [properties.PolicyDocument, ...(properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)].filter(Boolean);
  // A statement under Fn::If is counted with its true branch.
  return documents.flatMap((d: { Statement: unknown[] }) => d.Statement.map((s: any) => (s['Fn::If'] ? s['Fn::If'][1] : s)));
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The JavaScript RegExp of a parameter's AllowedPattern (CloudFormation matches the whole value). */
export function allowedPattern(template: Template, parameter: string): RegExp {
  const pattern = template.Parameters[parameter].AllowedPattern;
  if (!pattern) throw new Error(`parameter ${parameter} has no AllowedPattern`);
  return new RegExp(`^(?:${pattern})$`);
}
