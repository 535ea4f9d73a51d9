/**
 * Reading fields of AWS event details, which arrive as untyped JSON: every leaf is checked for
 * its type, and what a source cannot do without is reported as a `MalformedEventError`.
 */
import { createHash } from 'node:crypto';
import { MalformedEventError } from '../types';

/** Alert keys are stored and indexed; ASFF ids, which embed whole ARNs, can be far longer. */
const MAX_KEY_LENGTH = 200;

/** `<prefix>:<id>`, or `<prefix>:<first 40 hex of sha256(id)>` when that would exceed 200 characters. */
export function alertKey(prefix: string, id: string): string {
  const key = `${prefix}:${id}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${prefix}:${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, else undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A timestamp as ISO-8601 in UTC with milliseconds, else undefined. Normalised so that versions
 * from different sources (`…:30Z` from one, `…:30.000Z` from another) compare as strings.
 */
export function time(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `value`, or a MalformedEventError naming `what` (e.g. "GuardDuty finding id"). */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new MalformedEventError(`${what} is missing or invalid`);
  return value;
}

/** What follows the last `separator` (all of `value` when there is none). */
export function lastSegment(value: string, separator: string): string {
  return value.slice(value.lastIndexOf(separator) + 1);
}
