import { requirements, sectionOf, type Section } from '../../core/requirements';
import { SEVERITIES, type Check, type Severity, type Status } from '../../core/types';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';

/** Emoji shortcodes, rendered by Slack in mrkdwn and in plain_text with `emoji: true`. */
export const STATUS_EMOJI: Record<Status, string> = {
  PASS: ':white_check_mark:',
  FAIL: ':x:',
  ERROR: ':warning:',
  MANUAL: ':memo:',
  NOT_APPLICABLE: ':heavy_minus_sign:',
};

const STATUS_LABEL: Record<Status, string> = {
  PASS: 'pass',
  FAIL: 'fail',
  ERROR: 'error',
  MANUAL: 'need attestation',
  NOT_APPLICABLE: 'n/a',
};

/** "3 fail", "1 needs attestation", "12 need attestation". */
export function statusCount(status: Status, count: number): string {
  const label = status === 'MANUAL' && count === 1 ? 'needs attestation' : STATUS_LABEL[status];
  return `${count.toLocaleString('en-US')} ${label}`;
}

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** A check's title from the given checks, else the short text of its first requirement, else its id. */
export function checkTitle(checks: readonly Check[], checkId: string, refs: readonly string[]): string {
  return checks.find((c) => c.id === checkId)?.title ?? requirements().byId.get(refs[0])?.short ?? checkId;
}

/** Position of a requirement's section in the documents, for "then by section" ordering. */
export function sectionRank(requirementId: string): number {
  const index = requirements().sections.findIndex((s) => s.id === sectionOf(requirementId));
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "12 minutes ago", "3 days ago", "just now". */
export function formatAge(from: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - from.getTime()) / 1000);
  if (seconds < 60) return seconds < -60 ? 'in the future' : 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${plural(hours, 'hour')} ago`;
  return `${plural(Math.floor(hours / 24), 'day')} ago`;
}

/** "about 3 minutes", for durations such as an estimate of what is left. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `about ${plural(minutes, 'minute')}` : `about ${plural(Math.round(minutes / 60), 'hour')}`;
}

/** A date shown in each reader's own time zone, with a UTC fallback for clients that cannot. */
export function slackDate(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** "eu-west-1, us-east-1 and 14 more". */
export function listWithMore(items: readonly string[], shown: number, noun?: string): string {
  if (items.length === 0) return 'none';
  const head = items.slice(0, shown);
  const more = items.length - head.length;
  const list = head.length > 1 && more === 0 ? `${head.slice(0, -1).join(', ')} and ${head[head.length - 1]}` : head.join(', ');
  return more > 0 ? `${list} and ${more.toLocaleString('en-US')} more${noun ? ` ${noun}` : ''}` : list;
}

const RESOURCE_NAME_MAX = 80;

/** The readable part of a resource: the name after an ARN's service prefix, else the id itself, as code. */
export function resourceName(resource: string): string {
  const arn = resource.match(/^arn:[^:]+:[^:]*:[^:]*:[^:]*:(.+)$/);
  return codeSpan(truncate(arn ? arn[1] : resource, RESOURCE_NAME_MAX));
}

/** A check's or AWS's one-sentence message, bounded and escaped. */
export function messageText(message: string, max = 280): string {
  return escapeMrkdwn(truncate(message.replace(/\s+/g, ' ').trim(), max));
}

/** The worst state of a set of counts: what a section's emoji shows. */
export function worstStatus(counts: Record<Status, number>): Status {
  for (const status of ['FAIL', 'ERROR', 'MANUAL', 'PASS'] as const) if (counts[status] > 0) return status;
  return 'NOT_APPLICABLE';
}

/** "3 pass · 1 fail · 2 need attestation", omitting zeros. */
export function countsLine(counts: Record<Status, number>): string {
  const order: Status[] = ['FAIL', 'ERROR', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];
  const parts = order.filter((s) => counts[s] > 0).map((s) => statusCount(s, counts[s]));
  return parts.length > 0 ? parts.join(' · ') : 'no results';
}

export function emptyCounts(): Record<Status, number> {
  return { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 };
}

/**
 * The section a user means: `FTR-7`, `ftr 7`, `7`, `WAS-IAM`, `iam` (case-insensitive), or a
 * requirement ID such as `FTR-7.1` (its section).
 */
export function resolveSection(query: string): Section | undefined {
  const compact = query.trim().toUpperCase().replace(/\s+/g, '-');
  const sections = requirements().sections;
  const candidates = [
    compact,
    /^\d+$/.test(compact) ? `FTR-${compact}` : '',
    /^FTR-?\d+$/.test(compact) ? compact.replace(/^FTR-?/, 'FTR-') : '',
    /^WAS-?[A-Z]+$/.test(compact) ? compact.replace(/^WAS-?/, 'WAS-') : `WAS-${compact}`,
    /^(FTR-\d+\.\d+|WAS-[A-Z]+-\d+)$/.test(compact) ? sectionOf(compact) : '',
  ];
  return sections.find((s) => candidates.includes(s.id));
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Up to `count` candidates closest to `query` (case-insensitive): substring matches first, then small edit distances. */
export function closestMatches(query: string, candidates: Iterable<string>, count = 3): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    const d = distance(q, c);
    if (c.includes(q) || q.includes(c)) scored.push({ candidate, score: d - 100 });
    else if (d <= Math.max(2, Math.floor(Math.max(q.length, c.length) / 3))) scored.push({ candidate, score: d });
  }
  return scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate)).slice(0, count).map((s) => s.candidate);
}

/** ":arrow_up: 3 more" / ":arrow_down: 2 fewer" / "no change": how a count moved. */
export function countChange(now: number, before: number): string {
  if (now === before) return 'no change';
  return now > before ? `:arrow_up: ${now - before} more` : `:arrow_down: ${before - now} fewer`;
}
