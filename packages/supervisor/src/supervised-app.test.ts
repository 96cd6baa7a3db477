import { describe, expect, it } from 'vitest';
import { EXIT_PREFLIGHT_REFUSED, runSupervisedApp } from './supervised-app.js';

describe('runSupervisedApp', () => {
  it('exits 78 without forking anything when the preflight refuses, and says why with the code', async () => {
    const lines: { obj: object; msg?: string | undefined }[] = [];
    const record = (obj: object, msg?: string) => lines.push({ obj, msg });
    const exits: number[] = [];
    let started = false;
    await runSupervisedApp({
      name: 'test-app',
      logger: { info: record, warn: record, error: record },
      processes: 2,
      shutdownTimeoutMs: 1000,
      preflight: async () => {
        throw Object.assign(new Error('maxmemory-policy allkeys-lru evicts jobs'), {
          code: 'KUMO_KEYSPACE_EVICTION_POLICY',
        });
      },
      start: async () => {
        started = true;
        return { close: async () => undefined };
      },
      exit: (code) => exits.push(code),
    });
    expect(exits).toEqual([EXIT_PREFLIGHT_REFUSED]);
    expect(started).toBe(false);
    expect(lines).toEqual([
      {
        msg: 'refusing to start',
        obj: expect.objectContaining({ name: 'test-app', code: 'KUMO_KEYSPACE_EVICTION_POLICY' }),
      },
    ]);
  });
});
