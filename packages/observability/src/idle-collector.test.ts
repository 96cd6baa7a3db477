import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startIdleCollector } from './idle-collector.js';
import { beginWork } from './work-scope.js';

// Worker processes run without V8's memory reducer; this collector frees their garbage once when the work ends.
describe('startIdleCollector', () => {
  const heap = () => {
    let bytes = 100 << 20;
    const collected: number[] = [];
    return {
      grow: (by: number) => (bytes += by),
      options: {
        delayMs: 60,
        minGrowthBytes: 1000,
        heapBytes: () => bytes,
        collect: () => {
          collected.push(bytes);
          bytes = 50 << 20;
        },
      },
      collected,
    };
  };

  it('collects once after the start, and once after each burst of work that grew the heap', async () => {
    const { grow, options, collected } = heap();
    const collector = startIdleCollector(options);
    try {
      await sleep(150);
      expect(collector.collections).toBe(1);

      const end = beginWork();
      grow(5000);
      await sleep(150); // busy: nothing runs while work is in flight
      expect(collector.collections).toBe(1);
      end();
      await sleep(30);
      expect(collector.collections).toBe(1); // not before delayMs
      await sleep(120);
      expect(collector.collections).toBe(2);
      await sleep(150);
      expect(collector.collections).toBe(2); // once per idle period, not on a timer
      expect(collected).toHaveLength(2);
    } finally {
      collector.stop();
    }
  });

  it('skips an idle period whose work left the heap as it was, and one cut short by new work', async () => {
    const { grow, options } = heap();
    const collector = startIdleCollector(options);
    try {
      await sleep(150);
      expect(collector.collections).toBe(1);

      beginWork()(); // a little work that allocated nothing lasting
      grow(10);
      await sleep(150);
      expect(collector.collections).toBe(1);

      const end = beginWork();
      grow(5000);
      end();
      await sleep(30);
      const endAgain = beginWork(); // work again before the delay: no collection in the middle of it
      await sleep(120);
      expect(collector.collections).toBe(1);
      endAgain();
      await sleep(150);
      expect(collector.collections).toBe(2);
    } finally {
      collector.stop();
    }
  });

  it('measures growth from the heap when work begins: memory a collection frees is released later', async () => {
    let bytes = 200 << 20;
    const collector = startIdleCollector({
      delayMs: 60,
      minGrowthBytes: 1000,
      heapBytes: () => bytes,
      // Dead buffers are freed by the collection but released afterwards (V8 frees backing stores concurrently).
      collect: () => void setTimeout(() => (bytes = 50 << 20), 20),
    });
    try {
      await sleep(150);
      expect(collector.collections).toBe(1);
      const end = beginWork();
      bytes += 5000;
      end();
      await sleep(150);
      expect(collector.collections).toBe(2);
    } finally {
      collector.stop();
    }
  });

  it('does nothing without a collector (a process started without --expose-gc), and stops', async () => {
    const none = startIdleCollector({ collect: undefined, delayMs: 10 });
    expect(none.collections).toBe(0);
    none.stop();
    const { options } = heap();
    const stopped = startIdleCollector(options);
    stopped.stop();
    await sleep(120);
    expect(stopped.collections).toBe(0);
  });
});
