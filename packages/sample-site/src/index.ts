export { generateSite, SITE_PATHS, type GenerateSiteOptions } from './generate-site.js';
export { sampleSite, SAMPLE_SITE_OPTIONS } from './sample-site.js';
export { writeSite, readSiteManifest, SITE_MANIFEST_FILE } from './write-site.js';
export {
  expectedReachable,
  type ExpectedCrawl,
  type ExpectedPage,
  type ExpectedReachableOptions,
  type ExpectedStatus,
} from './expected-reachable.js';
export { startSiteServer, type SiteServer, type SiteServerOptions } from './site-server.js';
export {
  startConditionalSite,
  type ConditionalSite,
  type ConditionalPage,
  type ConditionalRequest,
  type PageValidation,
} from './conditional-site.js';
export type { SiteFaults, SiteFaultKind } from './faults.js';
export { contentTypeFor } from './content-type.js';
export { sitemapDocument, sitemapPaths, SITEMAP_PATH, SITEMAP_MAX_URLS } from './sitemap.js';
export { runSampleSiteCli, SAMPLE_SITE_USAGE, type SampleSiteCliOptions } from './cli.js';
export type * from './manifest.js';
export {
  SampleSiteOptionError,
  SampleSiteEncodingError,
  SampleSiteDirError,
  SampleSiteListenError,
  SampleSiteUsageError,
  SampleSiteGeneratorError,
  SampleSiteErrorCode,
} from './errors.js';
