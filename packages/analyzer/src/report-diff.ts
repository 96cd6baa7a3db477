import type { Keyword, KeywordChange, KeywordScore, ReportDiff } from '@kumo/contract';

/** Keywords compared: the report's top 100. */
export const DIFF_KEYWORDS = 100;

function byTerm(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The report `diff` of a crawl against its previous run: over the top `limit` keywords of each report, `added`
 * (only in the current one, with its score), `removed` (only in the previous one, with its score then), `rising`
 * and `falling` (in both, score changed: `from` → `to`). Scores are TF-IDF over each crawl's own pages, so a keyword
 * found only on unchanged pages keeps its score when the crawl has as many pages as before. Lists are ordered by the
 * size of the change, largest first (ties by term), so they read as "what moved most".
 */
export function diffKeywords(
  previousId: string,
  previous: readonly Pick<Keyword, 'term' | 'score'>[],
  current: readonly Pick<Keyword, 'term' | 'score'>[],
  limit = DIFF_KEYWORDS,
): ReportDiff {
  const before = new Map(previous.slice(0, limit).map((keyword) => [keyword.term, keyword.score]));
  const now = new Map(current.slice(0, limit).map((keyword) => [keyword.term, keyword.score]));
  const added: KeywordScore[] = [];
  const rising: KeywordChange[] = [];
  const falling: KeywordChange[] = [];
  for (const [term, score] of now) {
    const from = before.get(term);
    if (from === undefined) added.push({ term, score });
    else if (score > from) rising.push({ term, from, to: score });
    else if (score < from) falling.push({ term, from, to: score });
  }
  const removed: KeywordScore[] = [...before]
    .filter(([term]) => !now.has(term))
    .map(([term, score]) => ({ term, score }));
  const byScore = (x: KeywordScore, y: KeywordScore) => y.score - x.score || byTerm(x.term, y.term);
  const byChange = (x: KeywordChange, y: KeywordChange) =>
    Math.abs(y.to - y.from) - Math.abs(x.to - x.from) || byTerm(x.term, y.term);
  return {
    previousId,
    added: added.sort(byScore),
    removed: removed.sort(byScore),
    rising: rising.sort(byChange),
    falling: falling.sort(byChange),
  };
}
