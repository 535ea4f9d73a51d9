/** Time as the scheduler sees it: injected, so that tests drive schedules without sleeping. */
export interface Clock {
  now(): Date;
  /** Resolves at `at` (or at once when it has passed), or early when `signal` aborts. */
  sleepUntil(at: Date, signal: AbortSignal): Promise<void>;
}

/** Node's timers accept at most this delay; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The system clock. Waits re-read the time on waking, so a long wait follows wall-clock changes. */
export const systemClock: Clock = {
  now: () => new Date(),
  async sleepUntil(at, signal) {
    while (!signal.aborted) {
      const wait = at.getTime() - Date.now();
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.min(wait, MAX_TIMER_MS, 60 * 60_000));
        function finish() {
          clearTimeout(timer);
          signal.removeEventListener('abort', finish);
          resolve();
        }
        signal.addEventListener('abort', finish, { once: true });
      });
    }
  },
};
