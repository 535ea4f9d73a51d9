import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RequirementId } from './types';

export interface Requirement {
  id: RequirementId;
  /** `FTR-7` or `WAS-IAM`: the section the requirement belongs to. */
  section: string;
  sectionTitle: string;
  short: string;
  evidence: string;
  /** The requirement as the source document words it (bold text for FTR, heading for WAS). */
  statement: string;
  /** The source document's explanation of the requirement. */
  description: string;
}

export interface Section {
  id: string;
  title: string;
  requirementIds: RequirementId[];
}

const WAS_AREAS: Record<string, string> = {
  'Identity & Access Management': 'IAM',
  Detection: 'DET',
  'Infrastructure Protection': 'INF',
  'Data Protection': 'DP',
  'Incident Response': 'IR',
};

/** The folder with the shipped copies of the source requirement documents. */
export function referenceDir(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'reference', 'requirements.md'))) return join(dir, 'reference');
    if (dirname(dir) === dir) throw new Error(`reference/requirements.md not found above ${start}`);
  }
}

function clean(text: string): string {
  return text
    .replace(/\\\./g, '.')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** FTR-<section>.<n> → statement and description, in the order of the bold requirements. */
function parseFtrQuestions(text: string): { sections: Map<string, string>; items: Map<string, [string, string]> } {
  const sections = new Map<string, string>();
  const items = new Map<string, [string, string]>();
  const headings = [...text.matchAll(/^### (\d+)\\?\. (.+?) ###\s*$/gm)];
  headings.forEach((heading, i) => {
    const number = heading[1];
    sections.set(`FTR-${number}`, clean(heading[2]));
    const body = text.slice(heading.index! + heading[0].length, headings[i + 1]?.index ?? text.length);
    const bolds = [...body.matchAll(/^\*\*(.+?)\*\*\s*\.?\s*$/gm)];
    bolds.forEach((bold, k) => {
      const after = body.slice(bold.index! + bold[0].length, bolds[k + 1]?.index ?? body.length);
      const italic = after.match(/_([\s\S]+?)_\s*(?:\n\s*\n|$)/);
      items.set(`FTR-${number}.${k + 1}`, [clean(bold[1]), clean(italic ? italic[1] : after)]);
    });
  });
  return { sections, items };
}

/** WAS-<area>-<n> → statement and description. */
function parseWaChecklist(text: string): { sections: Map<string, string>; items: Map<string, [string, string]> } {
  const sections = new Map<string, string>();
  const items = new Map<string, [string, string]>();
  const headings = [...text.matchAll(/^## (.+?)\s*$/gm)];
  headings.forEach((heading, i) => {
    const area = WAS_AREAS[heading[1]];
    if (!area) return;
    sections.set(`WAS-${area}`, heading[1]);
    const body = text.slice(heading.index! + heading[0].length, headings[i + 1]?.index ?? text.length);
    for (const m of body.matchAll(/^- (\d+)\. (.+?)\*\*\s*\n([\s\S]+?)(?=\n\s*\n|\n- \d+\.|$)/gm)) {
      items.set(`WAS-${area}-${m[1]}`, [clean(m[2]), clean(m[3])]);
    }
  });
  return { sections, items };
}

function parseRequirementTable(text: string): Array<{ id: string; short: string; evidence: string }> {
  const rows: Array<{ id: string; short: string; evidence: string }> = [];
  for (const m of text.matchAll(/^\| ((?:FTR-\d+\.\d+)|(?:WAS-[A-Z]+-\d+)) \| (.+?) \| (.+?) \|\s*$/gm)) {
    rows.push({ id: m[1], short: m[2].trim(), evidence: m[3].trim() });
  }
  return rows;
}

export function sectionOf(id: RequirementId): string {
  return id.startsWith('FTR-') ? id.replace(/\.\d+$/, '') : id.replace(/-\d+$/, '');
}

export interface RequirementSet {
  all: Requirement[];
  byId: Map<RequirementId, Requirement>;
  sections: Section[];
}

/** Reads the three reference documents into one set of requirements, in document order. */
export function loadRequirements(dir: string = referenceDir()): RequirementSet {
  const table = parseRequirementTable(readFileSync(join(dir, 'requirements.md'), 'utf8'));
  const ftr = parseFtrQuestions(readFileSync(join(dir, 'ftr-question-descriptions.md'), 'utf8'));
  const was = parseWaChecklist(readFileSync(join(dir, 'wa-security-checklist.md'), 'utf8'));
  const sectionTitles = new Map([...ftr.sections, ...was.sections]);
  const texts = new Map([...ftr.items, ...was.items]);
  const all = table.map(({ id, short, evidence }) => {
    const section = sectionOf(id);
    const [statement, description] = texts.get(id) ?? [short, ''];
    return { id, section, sectionTitle: sectionTitles.get(section) ?? section, short, evidence, statement, description };
  });
  const sections: Section[] = [];
  for (const r of all) {
    let s = sections.find((x) => x.id === r.section);
    if (!s) sections.push((s = { id: r.section, title: r.sectionTitle, requirementIds: [] }));
    s.requirementIds.push(r.id);
  }
  return { all, byId: new Map(all.map((r) => [r.id, r])), sections };
}

let cached: RequirementSet | undefined;
/** The shipped requirements, read once. */
export function requirements(): RequirementSet {
  return (cached ??= loadRequirements());
}
