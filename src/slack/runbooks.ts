import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** An incident runbook shipped in `runbooks/*.md`. */
export interface Runbook {
  /** The file name without `.md`, as typed in `/ftr runbook <name>`. */
  name: string;
  title: string;
  summary: string;
  /** Numbered steps in a small markdown subset: `code`, fenced code blocks, **bold**. */
  steps: string[];
  /** Requirement IDs the runbook is evidence for. */
  refs: string[];
  /** GuardDuty finding types it answers, with `*` wildcards, e.g. `Recon:*`. */
  findingTypes?: string[];
}

/** The `runbooks` folder shipped at the top of the repository. */
export function runbooksDir(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'runbooks')) && existsSync(join(dir, 'package.json'))) return join(dir, 'runbooks');
    if (dirname(dir) === dir) throw new Error(`runbooks/ not found above ${start}`);
  }
}

function stringList(value: unknown, field: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${file}: ${field} must be a list of strings`);
  return value;
}

function requiredString(value: unknown, field: string, file: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${file}: ${field} is missing`);
  return value.trim();
}

const STEP_START = /^(\d+)\.\s+(.*)$/;

/**
 * Numbered steps: a step starts with `1. ` at the left margin; indented lines (commands, fenced
 * code) belong to the step before them. Anything else outside a step is an error, so that no
 * text is silently dropped.
 */
function parseSteps(body: string, file: string): string[] {
  const steps: string[][] = [];
  for (const [i, line] of body.split(/\r?\n/).entries()) {
    const start = line.match(STEP_START);
    if (start) {
      steps.push([start[2]]);
    } else if (line.trim() === '' || (/^\s/.test(line) && steps.length > 0)) {
      steps[steps.length - 1]?.push(line);
    } else {
      throw new Error(`${file}: line ${i + 1} is outside a numbered step`);
    }
  }
  const texts = steps.map((lines) => {
    const [first, ...rest] = lines;
    const indent = Math.min(...rest.filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length));
    const continuation = rest.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
    return `${first}\n${continuation}`.trim();
  });
  if (texts.length === 0) throw new Error(`${file}: no numbered steps`);
  return texts;
}

/** One runbook file: YAML front matter (title, summary, refs, findings) and numbered steps. */
export function parseRunbook(name: string, text: string): Runbook {
  const file = `${name}.md`;
  const match = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/);
  if (!match) throw new Error(`${file}: front matter (--- … ---) is missing`);
  const meta = (parseYaml(match[1]) ?? {}) as Record<string, unknown>;
  if (meta.name !== undefined && meta.name !== name) throw new Error(`${file}: name ${String(meta.name)} does not match the file name`);
  const findingTypes = stringList(meta.findings, 'findings', file);
  return {
    name,
    title: requiredString(meta.title, 'title', file),
    summary: requiredString(meta.summary, 'summary', file),
    steps: parseSteps(match[2], file),
    refs: stringList(meta.refs, 'refs', file),
    ...(findingTypes.length > 0 ? { findingTypes } : {}),
  };
}

/** Every shipped runbook, by name. */
export function loadRunbooks(dir: string = runbooksDir()): Runbook[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    .sort()
    .map((f) => parseRunbook(basename(f, '.md'), readFileSync(join(dir, f), 'utf8')));
}

export function findRunbook(runbooks: readonly Runbook[], name: string): Runbook | undefined {
  const wanted = name.trim().toLowerCase();
  return runbooks.find((r) => r.name.toLowerCase() === wanted);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
}

/** The runbook for a GuardDuty finding type such as `Recon:EC2/PortProbeUnprotectedPort`. */
export function runbookForFinding(runbooks: readonly Runbook[], findingType: string): Runbook | undefined {
  return runbooks.find((r) => (r.findingTypes ?? []).some((p) => wildcard(p).test(findingType)));
}
