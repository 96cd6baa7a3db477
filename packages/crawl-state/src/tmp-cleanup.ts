import type { StateContext } from './state-context.js';

/** The end of a crawl's working data: its `tmp` keys (seen-set, leftover page texts) and its progress lock. */
export class TmpCleanup {
  constructor(private readonly context: StateContext) {}

  /** Deletes the crawl's tmp data (seen-set, leftover texts) and its progress lock; returns the keys removed. */
  async cleanupTmp(id: string): Promise<number> {
    const { keys, store } = this.context;
    const pageKeys = await store.sMembers(keys.texts(id));
    return store.del(
      ...pageKeys.map((pageKey) => keys.text(id, pageKey)),
      keys.texts(id),
      keys.seen(id),
      keys.progress(id),
    );
  }
}
