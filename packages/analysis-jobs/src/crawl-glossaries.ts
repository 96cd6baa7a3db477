import { Glossary, type JapaneseTokenizer } from '@kumo/analyzer';
import type { CrawlStore } from '@kumo/crawl-state';

/** Crawls whose glossary a process remembers; past this the oldest is forgotten (read again if it comes back). */
export const CRAWL_GLOSSARY_MEMO_SIZE = 256;

/**
 * The glossary each crawl's pages are analysed with: the deployment's user dictionary and the crawl's own
 * `glossary` (from its stored request: kept once on the crawl record, never in job payloads), the crawl's entry
 * winning for the same term. Read and compiled once per crawl and process.
 */
export class CrawlGlossaries {
  readonly #records: Pick<CrawlStore['records'], 'getCrawl'>;
  readonly #tokenizer: JapaneseTokenizer;
  readonly #deployment: Glossary | undefined;
  readonly #byCrawl = new Map<string, Promise<Glossary | undefined>>();

  constructor(records: Pick<CrawlStore['records'], 'getCrawl'>, tokenizer: JapaneseTokenizer, deployment?: Glossary) {
    this.#records = records;
    this.#tokenizer = tokenizer;
    this.#deployment = deployment;
  }

  /** The glossary of `crawlId`'s analyses, or undefined when neither the deployment nor the crawl has one. */
  of(crawlId: string): Promise<Glossary | undefined> {
    let glossary = this.#byCrawl.get(crawlId);
    if (glossary === undefined) {
      glossary = this.#read(crawlId);
      // A failed read is not remembered: the job's retry reads again.
      glossary.catch(() => this.#byCrawl.delete(crawlId));
      if (this.#byCrawl.size >= CRAWL_GLOSSARY_MEMO_SIZE) {
        this.#byCrawl.delete(this.#byCrawl.keys().next().value as string);
      }
      this.#byCrawl.set(crawlId, glossary);
    }
    return glossary;
  }

  async #read(crawlId: string): Promise<Glossary | undefined> {
    const crawl = await this.#records.getCrawl(crawlId);
    const entries = crawl?.crawl.request.glossary ?? [];
    if (entries.length === 0) return this.#deployment;
    return Glossary.merge([this.#deployment, Glossary.compile(entries, this.#tokenizer)]);
  }
}
