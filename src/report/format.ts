import { stringify } from 'csv-stringify/sync';
import type { ScanReport } from '../engine/scan';
import type { Status } from '../core/types';
import { groupBySection } from './grouping';

export const FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export function formatJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const CSV_COLUMNS = ['checkId', 'refs', 'status', 'severity', 'accountId', 'region', 'resource', 'message', 'remediation'] as const;

/**
 * A cell a spreadsheet would read as a formula (AWS names and messages are not ours) starts with
 * an apostrophe, which spreadsheets show as text.
 */
export function csvCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function formatCsv(report: ScanReport): string {
  return stringify(
    report.results.map((r) => CSV_COLUMNS.map((c) => csvCell(c === 'refs' ? r.refs.join(' ') : (r[c] ?? '')))),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

function summaryLine(report: ScanReport): string {
  const s = report.summary;
  return `${s.PASS} passed, ${s.FAIL} failed, ${s.ERROR} errors, ${s.MANUAL} need attestation, ${s.NOT_APPLICABLE} not applicable`;
}

const MD_SPECIAL = /[\\`*_{}[\]()<>#+!|~]/g;
function md(text: string): string {
  return text.replace(MD_SPECIAL, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export function formatMarkdown(report: ScanReport): string {
  const lines = [
    '# FTR readiness report',
    '',
    `Account ${report.accounts.join(', ')} · regions ${report.regions.join(', ')} · generated ${report.generatedAt}`,
    '',
    `**${summaryLine(report)}**`,
  ];
  for (const group of groupBySection(report.results)) {
    lines.push('', `## ${group.id} ${md(group.title)}`, '', '| Status | Requirement | Check | Region | Resource | Finding |', '|---|---|---|---|---|---|');
    for (const r of group.results) {
      lines.push(`| ${r.status} | ${r.refs.join(', ')} | ${md(r.checkId)} | ${md(r.region)} | ${md(r.resource)} | ${md(r.message)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const COLORS: Record<Status, string> = { PASS: '32', FAIL: '31', ERROR: '35', MANUAL: '33', NOT_APPLICABLE: '90' };
const LABELS: Record<Status, string> = { PASS: 'PASS', FAIL: 'FAIL', ERROR: 'ERROR', MANUAL: 'MANUAL', NOT_APPLICABLE: 'N/A' };

/** Splits text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) lines.push(rest);
  return lines;
}

/** ANSI escape sequences and other control characters: AWS text must not drive the reader's terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text from AWS made safe to print on a terminal. */
export function printable(text: string): string {
  return text.replace(TERMINAL_CONTROL, '');
}

/** A resource name short enough for a table: the part after the service prefix of an ARN. */
function shortResource(resource: string): string {
  const arn = resource.match(/^arn:[^:]+:[^:]*:[^:]*:[^:]*:(.+)$/);
  return arn ? arn[1] : resource;
}

/** Grouped by section, readable in 80 columns; colour only when asked (a TTY). */
export function formatTable(report: ScanReport, options: { color: boolean; width?: number }): string {
  const width = options.width ?? 80;
  const paint = (status: Status, text: string) => (options.color ? `\x1b[${COLORS[status]}m${text}\x1b[0m` : text);
  const bold = (text: string) => (options.color ? `\x1b[1m${text}\x1b[0m` : text);
  const out: string[] = [
    bold(`FTR readiness · account ${printable(report.accounts.join(', '))} · ${report.regions.length} region(s)`),
    summaryLine(report),
  ];
  for (const group of groupBySection(report.results)) {
    const c = group.counts;
    out.push('', bold(`${group.id} ${group.title}`.slice(0, width)), `  ${c.PASS} pass · ${c.FAIL} fail · ${c.ERROR} error · ${c.MANUAL} manual`);
    for (const r of group.results) {
      const label = paint(r.status, LABELS[r.status].padEnd(6));
      const head = printable(`${r.checkId} [${r.region}] ${shortResource(r.resource)}`);
      const [first, ...more] = wrap(head, width - 10);
      out.push(`  ${label}  ${first}`, ...more.map((l) => `          ${l}`));
      out.push(...wrap(printable(r.message), width - 10).map((l) => `          ${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatReport(report: ScanReport, format: ReportFormat, options: { color: boolean }): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'csv':
      return formatCsv(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'table':
      return formatTable(report, options);
  }
}
