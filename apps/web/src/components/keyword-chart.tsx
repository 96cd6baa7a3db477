import type { Keyword } from '@kumo/contract';
import { scaleLinear } from 'd3-scale';
import { formatScore } from '../format.js';

const ROW = 22;
const LABEL = 150;
const SCORE_WIDTH = 300;
const GAP = 24;
const DF_WIDTH = 120;
const TOP = 44;

/**
 * The top keywords as horizontal bars: TF-IDF score on the left, document frequency (pages containing the term)
 * on the right, one row per term. SVG drawn by Preact with d3-scale for the axes; each bar carries its term and
 * value as data attributes, and the same numbers are in the table below the chart for screen readers.
 */
export function KeywordChart({ keywords, limit = 30 }: { keywords: readonly Keyword[]; limit?: number }) {
  const shown = keywords.slice(0, limit);
  const score = scaleLinear()
    .domain([0, Math.max(...shown.map((k) => k.score), 0) || 1])
    .range([0, SCORE_WIDTH])
    .nice();
  const df = scaleLinear()
    .domain([0, Math.max(...shown.map((k) => k.df), 0) || 1])
    .range([0, DF_WIDTH])
    .nice();
  const dfLeft = LABEL + SCORE_WIDTH + GAP;
  const width = dfLeft + DF_WIDTH + 40;
  const height = TOP + shown.length * ROW + 8;

  return (
    <figure class="chart">
      <svg
        class="keyword-chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="keyword-chart-title"
        lang="ja"
      >
        <title id="keyword-chart-title">
          {`Top ${shown.length} keywords by TF-IDF score, with the number of pages each appears in`}
        </title>
        <text class="axis-title" x={LABEL} y={14}>
          score (TF-IDF)
        </text>
        <text class="axis-title" x={dfLeft} y={14}>
          pages (df)
        </text>
        {score.ticks(4).map((tick) => (
          <g key={`s${tick}`} class="tick">
            <line x1={LABEL + score(tick)} x2={LABEL + score(tick)} y1={TOP - 6} y2={height - 8} />
            <text x={LABEL + score(tick)} y={TOP - 9}>
              {formatScore(tick)}
            </text>
          </g>
        ))}
        {df
          .ticks(3)
          .filter(Number.isInteger)
          .map((tick) => (
            <g key={`d${tick}`} class="tick">
              <line x1={dfLeft + df(tick)} x2={dfLeft + df(tick)} y1={TOP - 6} y2={height - 8} />
              <text x={dfLeft + df(tick)} y={TOP - 9}>
                {tick}
              </text>
            </g>
          ))}
        {shown.map((keyword, index) => {
          const y = TOP + index * ROW;
          return (
            <g key={keyword.term} class="row">
              <text class="label" x={LABEL - 8} y={y + ROW / 2} dominant-baseline="middle" text-anchor="end">
                {keyword.term}
              </text>
              <rect
                class="bar-score"
                x={LABEL}
                y={y + 3}
                width={score(keyword.score)}
                height={ROW - 6}
                data-term={keyword.term}
                data-value={keyword.score}
              >
                <title>{`${keyword.term}: score ${formatScore(keyword.score)}`}</title>
              </rect>
              <rect
                class="bar-df"
                x={dfLeft}
                y={y + 3}
                width={df(keyword.df)}
                height={ROW - 6}
                data-term={keyword.term}
                data-value={keyword.df}
              >
                <title>{`${keyword.term}: in ${keyword.df} pages`}</title>
              </rect>
              <text class="value" x={dfLeft + df(keyword.df) + 4} y={y + ROW / 2} dominant-baseline="middle">
                {keyword.df}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
