import { afterEach, describe, expect, it } from 'vitest';
import { isSupervisorPrimary, WORKER_SLOT_ENV, workerSlot } from './index.js';

describe('workerSlot', () => {
  const saved = process.env[WORKER_SLOT_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[WORKER_SLOT_ENV];
    else process.env[WORKER_SLOT_ENV] = saved;
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['', undefined],
    ['-1', undefined],
    ['two', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (raw, slot) => {
    if (raw === undefined) delete process.env[WORKER_SLOT_ENV];
    else process.env[WORKER_SLOT_ENV] = raw;
    expect(workerSlot()).toBe(slot);
  });

  it('is the primary in a process not forked by node:cluster', () => {
    expect(isSupervisorPrimary()).toBe(true);
  });
});
