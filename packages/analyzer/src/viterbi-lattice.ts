import { grownTypedArray } from './typed-arrays.js';

/** Node kinds, as kuromoji's `ViterbiNode.type`. */
export const NodeType = { BOS: 0, KNOWN: 1, UNKNOWN: 2, EOS: 3 } as const;

/** kuromoji's "no path yet" cost: `Number.MAX_VALUE`, so that the same float arithmetic gives the same ties. */
const UNREACHED = Number.MAX_VALUE;

/**
 * The lattice of one sentence in reused typed arrays, with the forward (Viterbi) pass done as each node is added
 * (MeCab's way): every node added at position `p` connects to the nodes ending at `p`, which are all complete by then.
 *
 * Positions are kuromoji's: a node starting at code point `p` ends at `p + length`, where `length` is the UTF-16 length
 * of its surface (1 for an ungrouped unknown word). For text without surrogate pairs both count the same; with them
 * kuromoji's lattice is skewed, and this one is skewed the same way.
 *
 * Ties go to the first predecessor in insertion order (strict `<`), and costs add as doubles in kuromoji's order.
 * When a node has predecessors but none reachable, kuromoji leaves it the predecessor chosen for the node it handled
 * before (a variable declared outside its loop); a sentence whose EOS is unreachable is therefore replayed in
 * kuromoji's own order (`replay`).
 */
export class ViterbiLattice {
  type = new Uint8Array(0);
  entry = new Int32Array(0);
  start = new Int32Array(0);
  left = new Int32Array(0);
  right = new Int32Array(0);
  cost = new Int32Array(0);
  /** UTF-16 offsets of an unknown word's surface in the text. */
  surfaceStart = new Int32Array(0);
  surfaceEnd = new Int32Array(0);
  prev = new Int32Array(0);
  /** Next node ending at the same position, in insertion order. */
  nextAtEnd = new Int32Array(0);
  total = new Float64Array(0);
  #endHead = new Int32Array(0);
  #endTail = new Int32Array(0);
  #predNode = new Int32Array(256);
  #predRow = new Int32Array(256);
  #predTotal = new Float64Array(256);
  #predCount = 0;
  #path = new Int32Array(256);
  #size = 0;
  #maxEnd = 0;
  readonly #costs: Int16Array;
  readonly #stride: number;

  /** `connectionCosts`: kuromoji's `cc.dat` (two int16 dimensions, then the matrix). */
  constructor(connectionCosts: Int16Array) {
    this.#costs = connectionCosts;
    this.#stride = connectionCosts[1] as number;
    this.#growNodes(1024);
  }

  /** Starts a sentence whose nodes end at positions up to `positions`; adds BOS. */
  reset(positions: number): void {
    if (this.#endHead.length < positions + 2) {
      const length = Math.max(positions + 2, this.#endHead.length * 2);
      this.#endHead = new Int32Array(length);
      this.#endTail = new Int32Array(length);
    }
    this.#endHead.fill(-1, 0, positions + 2);
    this.#size = 0;
    this.#maxEnd = 0;
    this.add(NodeType.BOS, -1, 0, 0, 0, 0, 0);
  }

  /**
   * Adds a node from `start` to `end` and connects it to its best predecessor among the nodes ending at `start`, which
   * `startAt(start)` must have gathered (BOS connects to nothing; EOS to the nodes at the furthest end). An unknown word's surface is `text[surfaceStart, surfaceEnd)`.
   */
  add(
    type: number,
    entry: number,
    start: number,
    end: number,
    left: number,
    right: number,
    cost: number,
    surfaceStart = 0,
    surfaceEnd = 0,
  ): number {
    if (this.#size === this.type.length) this.#growNodes(this.#size * 2);
    const node = this.#size++;
    this.type[node] = type;
    this.entry[node] = entry;
    this.start[node] = start;
    this.left[node] = left;
    this.right[node] = right;
    this.cost[node] = cost;
    this.surfaceStart[node] = surfaceStart;
    this.surfaceEnd[node] = surfaceEnd;
    this.nextAtEnd[node] = -1;
    if (this.#endHead[end] === -1) this.#endHead[end] = node;
    else this.nextAtEnd[this.#endTail[end] as number] = node;
    this.#endTail[end] = node;
    if (type === NodeType.BOS) {
      this.total[node] = 0;
      return node;
    }
    this.#connect(node);
    if (type !== NodeType.EOS && end > this.#maxEnd) this.#maxEnd = end;
    return node;
  }

  /**
   * Adds EOS after the furthest end and finds the best path: its nodes, BOS and EOS excluded, are the first
   * `bestPath()` of `path`, in text order (none where kuromoji's backward pass fails and returns no token). The array
   * is refilled by the next call, not allocated per sentence (an array per sentence was most of a page's garbage).
   */
  bestPath(): number {
    this.startAt(this.#maxEnd);
    const eos = this.add(NodeType.EOS, -1, this.#maxEnd, this.#maxEnd + 1, 0, 0, 0);
    // A reachable EOS is reached through reachable nodes only, whose predecessors do not depend on the order of the
    // forward pass; only an unreachable EOS can lead back through a stale predecessor.
    if (this.total[eos] === UNREACHED) this.#replay();
    let length = 0;
    let node = this.prev[eos] as number;
    if (node < 0) return 0;
    while (this.type[node] !== NodeType.BOS) {
      if (length === this.#path.length) this.#path = grownTypedArray(this.#path, length + 1);
      this.#path[length++] = node;
      node = this.prev[node] as number;
      if (node < 0) return 0;
    }
    const path = this.#path;
    for (let low = 0, high = length - 1; low < high; low++, high--) {
      const swap = path[low] as number;
      path[low] = path[high] as number;
      path[high] = swap;
    }
    return length;
  }

  /** The nodes of the last `bestPath()`, in text order (only that many of them). */
  get path(): Int32Array {
    return this.#path;
  }

  /**
   * Makes the nodes ending at `position` the predecessors of the nodes added next (all of which start there), copied
   * into compact arrays: every node of a position scans the same predecessors.
   */
  startAt(position: number): void {
    let count = 0;
    for (let node = this.#endHead[position] as number; node >= 0; node = this.nextAtEnd[node] as number) {
      if (count === this.#predNode.length) this.#growPredecessors();
      this.#predNode[count] = node;
      this.#predRow[count] = (this.right[node] as number) * this.#stride + 2;
      this.#predTotal[count] = this.total[node] as number;
      count++;
    }
    this.#predCount = count;
  }

  #connect(node: number): void {
    const count = this.#predCount;
    if (count === 0) {
      this.prev[node] = -1;
      this.total[node] = UNREACHED;
      return;
    }
    const costs = this.#costs;
    const rows = this.#predRow;
    const totals = this.#predTotal;
    const ownCost = this.cost[node] as number;
    const column = this.left[node] as number;
    let best = UNREACHED;
    let bestAt = -1;
    for (let i = 0; i < count; i++) {
      const total = (totals[i] as number) + (costs[(rows[i] as number) + column] as number) + ownCost;
      if (total < best) {
        best = total;
        bestAt = i;
      }
    }
    this.prev[node] = bestAt < 0 ? -1 : (this.#predNode[bestAt] as number);
    this.total[node] = best;
  }

  #growPredecessors(): void {
    const length = this.#predNode.length * 2;
    const node = new Int32Array(length);
    const row = new Int32Array(length);
    const total = new Float64Array(length);
    node.set(this.#predNode);
    row.set(this.#predRow);
    total.set(this.#predTotal);
    this.#predNode = node;
    this.#predRow = row;
    this.#predTotal = total;
  }

  /** kuromoji's `ViterbiSearcher.forward`, literally: by end position, then insertion order, one shared `prev`. */
  #replay(): void {
    const costs = this.#costs;
    const stride = this.#stride;
    for (let node = 1; node < this.#size; node++) {
      this.prev[node] = -1;
      this.total[node] = UNREACHED;
    }
    let shortestPrev = -1;
    for (let end = 1; end <= this.#maxEnd + 1; end++) {
      for (let node = this.#endHead[end] as number; node >= 0; node = this.nextAtEnd[node] as number) {
        let best = UNREACHED;
        let candidate = this.#endHead[this.start[node] as number] as number;
        if (candidate < 0) continue;
        for (; candidate >= 0; candidate = this.nextAtEnd[candidate] as number) {
          const total =
            (this.total[candidate] as number) +
            (costs[(this.right[candidate] as number) * stride + (this.left[node] as number) + 2] as number) +
            (this.cost[node] as number);
          if (total < best) {
            shortestPrev = candidate;
            best = total;
          }
        }
        this.prev[node] = shortestPrev;
        this.total[node] = best;
      }
    }
  }

  #growNodes(capacity: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const grown = make(capacity);
      grown.set(array);
      return grown;
    };
    this.type = grow(this.type, (n) => new Uint8Array(n));
    this.entry = grow(this.entry, (n) => new Int32Array(n));
    this.start = grow(this.start, (n) => new Int32Array(n));
    this.left = grow(this.left, (n) => new Int32Array(n));
    this.right = grow(this.right, (n) => new Int32Array(n));
    this.cost = grow(this.cost, (n) => new Int32Array(n));
    this.surfaceStart = grow(this.surfaceStart, (n) => new Int32Array(n));
    this.surfaceEnd = grow(this.surfaceEnd, (n) => new Int32Array(n));
    this.prev = grow(this.prev, (n) => new Int32Array(n));
    this.nextAtEnd = grow(this.nextAtEnd, (n) => new Int32Array(n));
    this.total = grow(this.total, (n) => new Float64Array(n));
  }
}
