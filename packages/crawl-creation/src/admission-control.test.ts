import { describe, expect, it } from 'vitest';
import { AdmissionControl } from './admission-control.js';

/** Queue counts as a test sets them, with the number of readings taken. */
function counts(running: number, backlog: number) {
  const state = { running, backlog, reads: 0 };
  return {
    state,
    queues: {
      runningCrawls: async () => {
        state.reads += 1;
        return state.running;
      },
      backlog: async () => state.backlog,
    },
  };
}

describe('AdmissionControl', () => {
  it('refuses with 429 codes when crawls in flight or the backlog reach their limits', async () => {
    const running = counts(3, 0);
    await expect(
      new AdmissionControl({ queues: running.queues, maxRunning: 3, maxBacklog: 100 }).admit(1),
    ).rejects.toMatchObject({
      code: 'KUMO_CREATION_OVERLOADED',
      message: expect.stringContaining('crawls in flight (3'),
    });
    const backlog = counts(0, 100);
    await expect(
      new AdmissionControl({ queues: backlog.queues, maxRunning: 3, maxBacklog: 100 }).admit(1),
    ).rejects.toMatchObject({
      code: 'KUMO_CREATION_OVERLOADED',
      message: expect.stringContaining('jobs waiting (100'),
    });
  });

  it('reads the queues once per maxAgeMs and counts what it admits in between', async () => {
    let clock = 0;
    const { state, queues } = counts(0, 0);
    const admission = new AdmissionControl({ queues, maxRunning: 2, maxBacklog: 100, maxAgeMs: 250, now: () => clock });
    await Promise.all([admission.admit(1), admission.admit(1)]);
    expect(state.reads).toBe(1);
    // The two admitted crawls count before the next reading: a third is refused on the same snapshot.
    await expect(admission.admit(1)).rejects.toMatchObject({ code: 'KUMO_CREATION_OVERLOADED' });
    clock = 300;
    state.running = 0; // both finished meanwhile
    await admission.admit(1);
    expect(state.reads).toBe(2);
  });

  it('counts seeds into the backlog', async () => {
    const { queues } = counts(0, 0);
    const admission = new AdmissionControl({ queues, maxRunning: 100, maxBacklog: 10, now: () => 0 });
    await admission.admit(10);
    await expect(admission.admit(1)).rejects.toMatchObject({ message: expect.stringContaining('jobs waiting (10') });
  });
});
