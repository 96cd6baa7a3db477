import type { KeyStore } from '@kumo/keyspace';
import { CrawlLifecycle } from './crawl-lifecycle.js';
import { CrawlListing } from './crawl-listing.js';
import { CrawlRecords } from './crawl-records.js';
import { CrawlReports, PageReader, ResultStream } from './crawl-results.js';
import { LiveStreams } from './live-streams.js';
import { OwnerIndex } from './owner-index.js';
import { PageContents } from './page-contents.js';
import { PageTexts, TmpCleanup } from './page-texts.js';
import { PageValidators } from './page-validators.js';
import { ScheduleStore } from './schedule-store.js';
import { StateContext, type CrawlStoreOptions } from './state-context.js';
import { UrlAdmission } from './url-admission.js';
import { WebhookDeliveries } from './webhook-deliveries.js';

/**
 * Per-crawl state in Redis (docs/architecture.md's key table), one slice per role; this class only builds them over
 * one key store and one set of TTLs. Writes of one crawl are Lua scripts on keys sharing the crawl's bucket tag, so
 * they are atomic across every worker, on a single node and on a cluster. Code that needs a part of the state
 * depends on those slices only (`Pick<CrawlStore, 'records' | 'results'>`), never on the key store under them.
 */
export class CrawlStore {
  /** The crawl record: create, read, counters, cancel flag. */
  readonly records: CrawlRecords;
  /** Each owner's crawls, newest first (`GET /v1/crawls`). */
  readonly listing: CrawlListing;
  /** Status transitions: start, running, cancel, finish, settle. */
  readonly lifecycle: CrawlLifecycle;
  /** The seen-set and the page budget. */
  readonly admission: UrlAdmission;
  /** The result stream: appends of every stage, event reads. */
  readonly results: ResultStream;
  /** Recorded pages with a cursor, and page/analysis lookups by URL. */
  readonly pages: PageReader;
  /** Page texts waiting for analysis. */
  readonly texts: PageTexts;
  /** Page texts and outgoing links kept for readers (crawls with `store`). */
  readonly contents: PageContents;
  /** Validators of fetched pages, for the next run's conditional re-fetch. */
  readonly validators: PageValidators;
  /** The report. */
  readonly reports: CrawlReports;
  /** Deleting a crawl's tmp data. */
  readonly tmp: TmpCleanup;
  /** Stream keys, buckets and wake-ups for live readers (the API's SSE multiplexer). */
  readonly live: LiveStreams;
  /** A webhook's secret and its delivery attempts. */
  readonly webhooks: WebhookDeliveries;
  /** Schedules (recurring crawls) and each owner's index of them. */
  readonly schedules: ScheduleStore;

  constructor(store: KeyStore, options: CrawlStoreOptions) {
    const context = new StateContext(store, options);
    const index = new OwnerIndex(context);
    this.records = new CrawlRecords(context, index);
    this.listing = new CrawlListing(this.records, index);
    this.admission = new UrlAdmission(context);
    this.results = new ResultStream(context);
    this.pages = new PageReader(context);
    this.texts = new PageTexts(context);
    this.contents = new PageContents(context);
    this.validators = new PageValidators(context);
    this.reports = new CrawlReports(context);
    this.tmp = new TmpCleanup(context);
    this.live = new LiveStreams(context);
    this.webhooks = new WebhookDeliveries(context, index);
    this.schedules = new ScheduleStore(context);
    this.lifecycle = new CrawlLifecycle(context, {
      records: this.records,
      admission: this.admission,
      results: this.results,
      tmp: this.tmp,
      index,
    });
  }
}
