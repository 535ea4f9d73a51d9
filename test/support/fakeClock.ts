import type { Clock } from '../../src/schedule/clock';

/** A clock the test moves: waits resolve when `advanceTo` passes their time, never on their own. */
export class FakeClock implements Clock {
  private time: number;
  private readonly waiters = new Set<{ at: number; resolve: () => void }>();

  constructor(start: Date) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  sleepUntil(at: Date, signal: AbortSignal): Promise<void> {
    if (at.getTime() <= this.time || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        at: at.getTime(),
        resolve: () => {
          this.waiters.delete(waiter);
          signal.removeEventListener('abort', waiter.resolve);
          resolve();
        },
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', waiter.resolve, { once: true });
    });
  }

  /** How many waits are pending (for tests that wait until every loop sleeps again). */
  get sleepers(): number {
    return this.waiters.size;
  }

  advanceTo(to: Date): void {
    this.time = Math.max(this.time, to.getTime());
    for (const waiter of [...this.waiters]) if (waiter.at <= this.time) waiter.resolve();
  }

  advanceBy(ms: number): void {
    this.advanceTo(new Date(this.time + ms));
  }
}
