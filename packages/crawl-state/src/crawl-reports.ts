import type { Report } from '@kumo/contract';
import type { StateContext } from './state-context.js';

/** A crawl's report (`result:{b:NN}:report:<id>`, result TTL), written by the aggregate job, read by the API. */
export class CrawlReports {
  constructor(private readonly context: StateContext) {}

  async putReport(id: string, report: Report): Promise<void> {
    await this.context.store.set(this.context.keys.report(id), JSON.stringify(report), this.context.resultTtlMs);
  }

  /** The report; null before the aggregate job stored it, or when the crawl is unknown or expired. */
  async getReport(id: string): Promise<Report | null> {
    const text = await this.context.store.get(this.context.keys.report(id));
    return text === null ? null : (JSON.parse(text) as Report);
  }
}
