import type { SlackMessage } from './blocks';

/**
 * Rendered answers by what they depend on. Rendering the posture of a large report costs tens of
 * milliseconds of the event loop and a few store reads, and a burst of `/ftr status` asks for the
 * same one: each is rendered once (per minute, since ages are shown in minutes), and requests
 * arriving while it renders wait for that rendering instead of starting their own.
 */
export class RenderCache {
  private readonly entries = new Map<string, Promise<SlackMessage>>();

  constructor(private readonly capacity = 64) {}

  get(key: string, render: () => Promise<SlackMessage>): Promise<SlackMessage> {
    const known = this.entries.get(key);
    if (known) {
      // Most recently used last: the first entry is the one to drop.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const made = render();
    this.entries.set(key, made);
    // A failed rendering is not kept: the next request tries again.
    made.catch(() => this.entries.get(key) === made && this.entries.delete(key));
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return made;
  }
}
