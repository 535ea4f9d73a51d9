import { createTask } from 'node-cron';

/** The part of node-cron's scheduled task that finds the next matching time after a given one. */
interface NextMatcher {
  getNextMatch(after: Date): Date;
}

/**
 * When a node-cron expression next fires after a given time, in its time zone. node-cron answers
 * this only from the current time; its own matcher (the one its scheduler uses, daylight saving
 * included) is asked directly so that the scheduler can run on an injected clock. The package
 * version is pinned by the lock file and the schedule tests cover the matcher.
 */
export class CronSchedule {
  private readonly matcher: NextMatcher;

  constructor(readonly expression: string, readonly timezone: string) {
    const task = createTask(expression, () => undefined, { timezone });
    const matcher = (task as unknown as { timeMatcher?: Partial<NextMatcher> }).timeMatcher;
    // The task only lends its matcher: it is never started, and is unregistered from node-cron.
    void task.destroy();
    if (typeof matcher?.getNextMatch !== 'function') throw new Error('node-cron: this version offers no next-match lookup; pin node-cron 4.6');
    this.matcher = matcher as NextMatcher;
  }

  /** The first occurrence strictly after `after`. */
  next(after: Date): Date {
    return this.matcher.getNextMatch(after);
  }
}
