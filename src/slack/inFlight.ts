import type { Logger } from './logger';

/** Work started after an acknowledgement, tracked so that shutdown can wait for it. */
export class InFlight {
  private readonly tasks = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Runs `work` once the event loop has polled for I/O, so that requests already waiting are
   * acknowledged before this one's slow part starts. A failure is logged, never thrown (the
   * request was acknowledged long ago).
   */
  run(what: string, work: () => Promise<void>): Promise<void> {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err) => this.logger.error({ err, what }, 'request handling failed'))
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
    return task;
  }

  /** Resolves true when everything in flight has finished, false when `timeoutMs` ran out first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
    });
    const finished = (async () => {
      // Work may start more work (a thread reply after a post): wait until nothing is left.
      while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
      return true as const;
    })();
    try {
      return await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
