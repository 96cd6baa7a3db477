import { channel } from 'node:diagnostics_channel';
import type { StateContext } from './state-context.js';

/** URLs per SMISMEMBER of `seenAmong`: one round trip each, with a bounded request size. */
const SEEN_CHUNK = 1000;
const admitChannel = channel('kumo:crawl-state:admit');

/**
 * Which URLs a crawl fetches: the seen-set (`tmp:{b:NN}:seen:<id>`) and the page budget (`counts.discovered` ≤
 * `maxPages`), decided by one script for every worker at once. What the budget turns away goes to the dropped-set
 * (`tmp:{b:NN}:dropped:<id>`) and is counted once per distinct URL in `counts.dropped`.
 */
export class UrlAdmission {
  constructor(private readonly context: StateContext) {}

  /**
   * Admits URLs (already normalised): returns, in order, those newly added to the seen-set while
   * `counts.discovered` stays ≤ `maxPages`. Atomic across all workers. Those the budget turned away that were never
   * admitted nor dropped before are added to `counts.dropped` (so it counts distinct URLs). A cancelled crawl admits
   * none and drops none.
   */
  async admitUrls(id: string, urls: readonly string[], maxPages: number): Promise<string[]> {
    if (urls.length === 0) return [];
    const { context } = this;
    const reply = await context.commands.admitUrls({
      keys: [
        { key: context.keys.seen(id), ttl: context.tmpTtlMs },
        { key: context.keys.dropped(id), ttl: context.tmpTtlMs },
        context.record(id),
      ],
      args: [maxPages, ...urls],
    });
    const admitted = context.check(id, reply) as string[];
    if (admitChannel.hasSubscribers)
      admitChannel.publish({ crawlId: id, offered: urls.length, admitted: admitted.length });
    return admitted;
  }

  /**
   * Every URL the crawl admitted (its seen-set; at most `maxPages`), in no particular order; `[]` once the crawl's tmp
   * data is gone. The aggregate job checks each has a page result.
   */
  async seenUrls(id: string): Promise<string[]> {
    return this.context.store.sMembers(this.context.keys.seen(id));
  }

  /**
   * Which of `urls` (normalised) are in the crawl's seen-set, i.e. were admitted by some worker: one boolean per
   * URL, in order. One SMISMEMBER round trip per 1,000 URLs. All false when the crawl's tmp data is gone.
   */
  async seenAmong(id: string, urls: readonly string[]): Promise<boolean[]> {
    const seen: boolean[] = [];
    for (let start = 0; start < urls.length; start += SEEN_CHUNK) {
      const chunk = urls.slice(start, start + SEEN_CHUNK);
      for (const found of await this.context.store.sMIsMember(this.context.keys.seen(id), chunk)) seen.push(found);
    }
    return seen;
  }
}
