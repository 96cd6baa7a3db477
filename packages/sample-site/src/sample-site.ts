import { generateSite } from './generate-site.js';
import type { GeneratedSite } from './manifest.js';

/** The options of the demo site, exported so benchmarks and docs can quote them. */
export const SAMPLE_SITE_OPTIONS = { pages: 10, seed: 'kumo-sample-site', linksPerPage: 3 } as const;

/**
 * The small demo site used by `npm start` and the default test suite: 10 tree pages (depth 2 with 3 children
 * per page) plus the private and nofollow-target pages, 12 HTML pages in all. Always the same bytes.
 */
export function sampleSite(): GeneratedSite {
  return generateSite({ ...SAMPLE_SITE_OPTIONS });
}
