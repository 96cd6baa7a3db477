import type { StateContext } from './state-context.js';

/**
 * Page texts waiting for their analyze job (`tmp:{b:NN}:text:<id>:<page>`, tmp TTL), tracked in the crawl's texts
 * set so `TmpCleanup` finds the leftovers without a SCAN. The analyze job reads a text first and drops it only once
 * its analysis is recorded, so a process that dies in between leaves the text for the retry.
 */
export class PageTexts {
  constructor(private readonly context: StateContext) {}

  /** Stores a page text for its analyze job (tmp TTL) and tracks it for the crawl's tmp cleanup. */
  async putPageText(id: string, pageKey: string, text: string): Promise<void> {
    await this.context.commands.putText({ keys: this.context.pageText(id, pageKey), args: [pageKey, text] });
  }

  /** The page text, left in place; null when there is none (never stored, dropped or expired). */
  async readPageText(id: string, pageKey: string): Promise<string | null> {
    return this.context.store.get(this.context.keys.text(id, pageKey));
  }

  /**
   * Deletes a page text and forgets its page key; nothing happens when it is already gone. (An analysis appended
   * with its page key drops its text in the same script: `ResultStream.appendAnalysis`.)
   */
  async dropPageText(id: string, pageKey: string): Promise<void> {
    await this.context.commands.takeText({ keys: this.context.pageText(id, pageKey), args: [pageKey] });
  }
}

/** The end of a crawl's working data: its `tmp` keys (seen- and dropped-sets, leftover page texts), progress lock. */
export class TmpCleanup {
  constructor(private readonly context: StateContext) {}

  /** Deletes the crawl's tmp data (seen- and dropped-sets, leftover texts), its progress lock; returns keys removed. */
  async cleanupTmp(id: string): Promise<number> {
    const { keys, store } = this.context;
    const pageKeys = await store.sMembers(keys.texts(id));
    return store.del(
      ...pageKeys.map((pageKey) => keys.text(id, pageKey)),
      keys.texts(id),
      keys.seen(id),
      keys.dropped(id),
      keys.progress(id),
    );
  }
}
