import { getHeapStatistics } from 'node:v8';
import { onWorkTransition, workInFlight } from './work-scope.js';

/**
 * How long after its work ends a process collects its garbage, in ms: the delay V8's own memory reducer waits
 * (`--gc-memory-reducer-start-delay-ms`), by which time the allocation rate has fallen, so the collection also shrinks
 * the young generation.
 */
export const IDLE_COLLECT_DELAY_MS = 8000;

/** Heap growth (bytes, V8 heap + external) since the last collection below which an idle collection is skipped. */
export const IDLE_COLLECT_MIN_GROWTH_BYTES = 8 * 1024 * 1024;

export interface IdleCollectorOptions {
  /** A full garbage collection. Default `globalThis.gc` (`--expose-gc`); without one the collector does nothing. */
  collect?: () => void;
  /** Bytes the heap holds now. Default V8's used heap plus external memory. */
  heapBytes?: () => number;
  /** @defaultValue {@link IDLE_COLLECT_DELAY_MS} */
  delayMs?: number;
  /** @defaultValue {@link IDLE_COLLECT_MIN_GROWTH_BYTES} */
  minGrowthBytes?: number;
  /** Called after each collection, with its duration. */
  onCollect?: (collected: { ms: number; heapBytesBefore: number }) => void;
}

export interface IdleCollector {
  /** Collections run so far. */
  readonly collections: number;
  stop(): void;
}

const heapBytesNow = () => {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
};

/**
 * One full garbage collection when this process's work ends (`beginWork`), `delayMs` later, if no work has begun
 * meanwhile and the heap grew by at least `minGrowthBytes` since the last one; and one `delayMs` after the start.
 *
 * It stands in for V8's memory reducer (worker processes run with `--no-memory-reducer`, `WORKER_NODE_FLAGS`), which
 * on an idle process runs up to three full collections on timers of its own, 8 s or more apart, with incremental
 * marking steps between them on the main thread: 0.1–0.2 % of a core for the first half-minute or so after every
 * start or burst of work (lesson 1: an idle process uses ~0 %; docs/decisions/0021-idle-collection.md). One
 * collection at a known time frees the same garbage (the dictionary loader's buffers, a crawl's pages) and returns
 * the young generation's pages as the reducer does, and a process that does a little work now and then (a webhook, a
 * schedule) skips it when the heap has not grown.
 */
export function startIdleCollector(options: IdleCollectorOptions = {}): IdleCollector {
  const collect = options.collect ?? (globalThis as { gc?: () => void }).gc;
  const heapBytes = options.heapBytes ?? heapBytesNow;
  const delayMs = options.delayMs ?? IDLE_COLLECT_DELAY_MS;
  const minGrowthBytes = options.minGrowthBytes ?? IDLE_COLLECT_MIN_GROWTH_BYTES;
  let collections = 0;
  let timer: NodeJS.Timeout | undefined;
  // What the heap held after the last collection: none yet, so the first one always runs. Read when the next work
  // begins, not right after the collection: V8 releases dead buffers' memory (external) concurrently, later.
  let baseline = Number.NEGATIVE_INFINITY;
  let collectedSinceWork = false;

  const run = () => {
    timer = undefined;
    if (!collect || workInFlight() > 0) return;
    const before = heapBytes();
    if (before - baseline < minGrowthBytes) return;
    const started = performance.now();
    collect();
    collections++;
    collectedSinceWork = true;
    options.onCollect?.({ ms: performance.now() - started, heapBytesBefore: before });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    // Never what keeps the process up.
    timer.unref();
  };
  if (!collect) return { collections: 0, stop: () => undefined };

  const removeListener = onWorkTransition((busy) => {
    if (busy) {
      clearTimeout(timer);
      timer = undefined;
      if (collectedSinceWork) baseline = heapBytes();
      collectedSinceWork = false;
    } else {
      schedule();
    }
  });
  if (workInFlight() === 0) schedule();
  return {
    get collections() {
      return collections;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      removeListener();
    },
  };
}
