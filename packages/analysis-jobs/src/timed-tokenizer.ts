import { performance } from 'node:perf_hooks';
import type { JapaneseTokenizer, Token, TokenizeOptions } from '@kumo/analyzer';

/**
 * Wraps the process's tokenizer to measure the time spent inside kuromoji for one job, so the job's `tokenize` and
 * `analyze` (counting, ranking) stages can be told apart. Per job rather than through the process-wide
 * `kumo:analyzer:tokenize` channel, because jobs running concurrently would mix their events there.
 */
export class TimedTokenizer implements JapaneseTokenizer {
  /** Milliseconds spent producing tokens so far (including the brief event-loop turns between chunks). */
  ms = 0;
  readonly #inner: JapaneseTokenizer;

  constructor(inner: JapaneseTokenizer) {
    this.#inner = inner;
  }

  tokenize(text: string, options?: TokenizeOptions): Token[] {
    const started = performance.now();
    try {
      return this.#inner.tokenize(text, options);
    } finally {
      this.ms += performance.now() - started;
    }
  }

  async tokenizeAsync(text: string, options?: TokenizeOptions): Promise<Token[]> {
    const tokens: Token[] = [];
    for await (const chunk of this.tokenizeChunks(text, options)) for (const token of chunk) tokens.push(token);
    return tokens;
  }

  async *tokenizeChunks(text: string, options?: TokenizeOptions): AsyncGenerator<Token[], void, undefined> {
    const inner = this.#inner.tokenizeChunks(text, options);
    try {
      for (;;) {
        // Includes the inner generator's event-loop turn before each chunk: short, and other jobs' work can run in it.
        const started = performance.now();
        const next = await inner.next();
        this.ms += performance.now() - started;
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await inner.return(undefined);
    }
  }
}
