/** Date maths and wording shared by the identity checks' messages. */
const DAY_MS = 86_400_000;

/** Whole days from `date` to `now`. */
export function ageInDays(date: Date, now: Date): number {
  return Math.floor((now.getTime() - date.getTime()) / DAY_MS);
}

/** A date as `YYYY-MM-DD` for messages. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `N days ago`, or `today`. */
export function daysAgo(date: Date, now: Date): string {
  const days = ageInDays(date, now);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

/** `1 user` / `3 users`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
