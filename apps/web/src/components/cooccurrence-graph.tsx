import type { Cooccurrence, Keyword } from '@kumo/contract';
import {
  forceX,
  forceY,
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  type SimulationNodeDatum,
} from 'd3-force';
import { useMemo } from 'preact/hooks';

interface GraphNode extends SimulationNodeDatum {
  term: string;
  score: number;
  x: number;
  y: number;
}

interface GraphLink {
  source: GraphNode;
  target: GraphNode;
  weight: number;
}

const PAD = 40;

/**
 * Lays the co-occurrence pairs out with d3-force, run to rest before rendering (no animation, and the same input
 * gives the same picture: d3 places nodes deterministically at start). Node size follows the keyword's score,
 * edge width the pair's weight.
 */
function layout(pairs: readonly Cooccurrence[], keywords: readonly Keyword[]) {
  const scores = new Map(keywords.map((keyword) => [keyword.term, keyword.score]));
  const nodes = new Map<string, GraphNode>();
  const nodeOf = (term: string): GraphNode => {
    let node = nodes.get(term);
    if (!node) {
      node = { term, score: scores.get(term) ?? 0, x: 0, y: 0 };
      nodes.set(term, node);
    }
    return node;
  };
  const links = pairs.map((pair) => ({ source: nodeOf(pair.a), target: nodeOf(pair.b), weight: pair.weight }));
  const all = [...nodes.values()];
  const simulation = forceSimulation(all)
    .force(
      'link',
      forceLink<GraphNode, GraphLink>(links).distance((link) => 90 - 40 * link.weight),
    )
    .force('charge', forceManyBody().strength(-160).distanceMax(300))
    .force('collide', forceCollide(30))
    // Pulls every node towards the middle: pairs not linked to the rest stay in the picture instead of drifting off.
    .force('x', forceX(0).strength(0.08))
    .force('y', forceY(0).strength(0.12))
    .stop();
  for (let i = 0; i < 300; i++) simulation.tick();
  const xs = all.map((node) => node.x);
  const ys = all.map((node) => node.y);
  const minX = Math.min(...xs) - PAD;
  const minY = Math.min(...ys) - PAD;
  const box = { x: minX, y: minY, width: Math.max(...xs) + PAD - minX, height: Math.max(...ys) + PAD - minY };
  const maxScore = Math.max(...all.map((node) => node.score), 0) || 1;
  return { nodes: all, links, box, maxScore };
}

export function CooccurrenceGraph({
  pairs,
  keywords,
}: {
  pairs: readonly Cooccurrence[];
  keywords: readonly Keyword[];
}) {
  const graph = useMemo(() => layout(pairs, keywords), [pairs, keywords]);
  if (graph.nodes.length === 0) return <p>No keyword pairs appear together.</p>;
  const { box } = graph;
  return (
    <figure class="chart">
      <svg
        class="cooccurrence-graph"
        viewBox={`${box.x} ${box.y} ${box.width} ${box.height}`}
        role="img"
        aria-labelledby="graph-title"
        lang="ja"
      >
        <title id="graph-title">
          {`Co-occurrence graph: ${graph.nodes.length} keywords joined by ${graph.links.length} pairs that appear in the same pages`}
        </title>
        <g class="edges">
          {graph.links.map((link) => (
            <line
              key={`${link.source.term}\0${link.target.term}`}
              x1={link.source.x}
              y1={link.source.y}
              x2={link.target.x}
              y2={link.target.y}
              stroke-width={1 + 5 * link.weight}
              data-a={link.source.term}
              data-b={link.target.term}
            />
          ))}
        </g>
        <g class="nodes">
          {graph.nodes.map((node) => (
            <g
              key={node.term}
              class="node"
              data-term={node.term}
              transform={`translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`}
            >
              <circle r={6 + 10 * (node.score / graph.maxScore)} />
              <text y={-14} text-anchor="middle">
                {node.term}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}
