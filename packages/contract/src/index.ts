export {
  CRAWL_REQUEST_LIMITS,
  crawlRequestSchema,
  crawlScopeSchema,
  crawlHeadersSchema,
  crawlPolitenessSchema,
  type CrawlHeaders,
  type CrawlPoliteness,
  type CrawlRequest,
  type CrawlRequestInput,
  type CrawlScope,
} from './crawl-request.js';
export {
  pageResultSchema,
  pageStatusSchema,
  pageErrorSchema,
  pageTimingsSchema,
  type PageResult,
  type PageStatus,
  type PageError,
  type PageTimings,
} from './page-result.js';
export {
  analysisSchema,
  termSchema,
  phraseCountSchema,
  type Analysis,
  type Term,
  type PhraseCount,
} from './analysis.js';
export {
  reportSchema,
  keywordSchema,
  reportPhraseSchema,
  cooccurrenceSchema,
  variationSchema,
  japaneseFormsSchema,
  latinFormsSchema,
  type Report,
  type Keyword,
  type ReportPhrase,
  type Cooccurrence,
  type Variation,
} from './report.js';
export {
  crawlSchema,
  crawlStatusSchema,
  crawlCountsSchema,
  crawlCreatedSchema,
  pagesPageSchema,
  crawlsPageSchema,
  analysisEventSchema,
  doneEventSchema,
  CRAWL_EVENT_TYPES,
  TERMINAL_CRAWL_STATUSES,
  type Crawl,
  type CrawlStatus,
  type CrawlCounts,
  type CrawlCreated,
  type PagesPage,
  type CrawlsPage,
  type AnalysisEvent,
  type DoneEvent,
  type CrawlEventType,
} from './crawl.js';
export { problemSchema, type Problem } from './problem.js';
export {
  WEBHOOK_LIMITS,
  webhookRequestSchema,
  webhookDeliverySchema,
  crawlWebhookSchema,
  type WebhookRequest,
  type WebhookDelivery,
  type CrawlWebhook,
} from './webhook.js';
export { webhookPayloadSchema, type WebhookPayload } from './webhook-payload.js';
export { crawlLinks } from './crawl-links.js';
