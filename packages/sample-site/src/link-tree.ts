/**
 * The shape of a generated site: a breadth-first k-ary tree over pages 0…n-1 (page 0 is the index), so page
 * i's depth is known without a search, plus extra links that can never change a crawl's outcome.
 *
 * Why extra links are restricted: a distributed crawler admits a URL the first time any worker sees it, at the
 * depth of that sighting. A link from a deep page to a shallow one that has not been admitted yet would make
 * the crawl's result depend on which worker was faster. Extra links therefore only point at pages that are
 * certainly admitted before the linking page is fetched: the index, and the children of the page's proper
 * ancestors (its parent's other children, its uncles, …), which are admitted when that ancestor is fetched.
 */
export class LinkTree {
  constructor(
    readonly size: number,
    readonly branching: number,
  ) {}

  parent(page: number): number | null {
    return page === 0 ? null : Math.floor((page - 1) / this.branching);
  }

  children(page: number): number[] {
    const first = page * this.branching + 1;
    const result: number[] = [];
    for (let child = first; child < Math.min(first + this.branching, this.size); child++) result.push(child);
    return result;
  }

  depth(page: number): number {
    let depth = 0;
    for (let p = this.parent(page); p !== null; p = this.parent(p)) depth++;
    return depth;
  }

  /** Pages an extra link from `page` may point at without making the crawl order-dependent (see above). */
  safeTargets(page: number): number[] {
    const targets = new Set<number>();
    if (page !== 0) targets.add(0);
    for (let ancestor = this.parent(page); ancestor !== null; ancestor = this.parent(ancestor)) {
      for (const child of this.children(ancestor)) targets.add(child);
    }
    targets.delete(page);
    return [...targets].sort((a, b) => a - b);
  }
}
