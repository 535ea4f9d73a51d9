import type { CheckContext } from '../core/types';

/**
 * The per-scan inventory cache: each AWS inventory (credential report, authorization
 * details, bucket list, …) is fetched once per scan and region and shared by every
 * check that needs it. Concurrent callers share one in-flight request; a failure is
 * cached too, so every dependent check reports the same ERROR without asking again.
 */
export class Inventory {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = load();
      // The rejection is observed by whoever awaits the entry; keep Node from flagging it meanwhile.
      entry.catch(() => undefined);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

export type InventoryScope = 'global' | 'regional';

/**
 * Declares one shared inventory. A global inventory is fetched once per scan; a regional
 * one once per region (the region of the run, or the one passed explicitly).
 */
export function defineInventory<T>(
  name: string,
  scope: InventoryScope,
  load: (ctx: CheckContext, region: string) => Promise<T>,
): (ctx: CheckContext, region?: string) => Promise<T> {
  return (ctx, region) => {
    const where = scope === 'global' ? ctx.homeRegion : (region ?? ctx.region);
    if (where === 'global') throw new Error(`inventory ${name} is regional and needs a region`);
    return ctx.inventory.get(`${name}@${scope === 'global' ? 'global' : where}`, () => load(ctx, where));
  };
}
