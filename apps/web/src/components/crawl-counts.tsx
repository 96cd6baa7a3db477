import type { CrawlCounts } from '@kumo/contract';
import { formatCount } from '../format.js';

const FIELDS: [keyof CrawlCounts, string][] = [
  ['discovered', 'Discovered'],
  ['fetched', 'Fetched'],
  ['analyzed', 'Analysed'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped'],
  ['dropped', 'Dropped'],
  ['notModified', 'Not modified'],
];

/**
 * A crawl's counts as a description list (`dropped` only when the server sends it, `notModified` only for a crawl
 * with a previous run).
 */
export function CrawlCountsList({ counts }: { counts: CrawlCounts }) {
  return (
    <dl class="counts">
      {FIELDS.filter(([field]) => counts[field] !== undefined).map(([field, label]) => (
        <div key={field}>
          <dt>{label}</dt>
          <dd data-count={field}>{formatCount(counts[field])}</dd>
        </div>
      ))}
    </dl>
  );
}
