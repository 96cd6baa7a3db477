import { describe, expect, it } from 'vitest';
import { runSupervisor, runWorkerProcess, type SupervisorOptions } from './index.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const valid: SupervisorOptions = { name: 'test', processes: 1, logger, handleSignals: false, exitProcess: false };

describe('runSupervisor options', () => {
  it.each<[string, Partial<SupervisorOptions>]>([
    ['name', { name: '' }],
    ['processes', { processes: 0 }],
    ['processes', { processes: 1.5 }],
    ['processes', { processes: 5_000 }],
    ['logger', { logger: {} as SupervisorOptions['logger'] }],
    ['workerEntry', { workerEntry: '/nonexistent/worker.js' }],
    ['restartBackoff.initialMs', { restartBackoff: { initialMs: -1 } }],
    ['restartBackoff.maxMs', { restartBackoff: { initialMs: 1_000, maxMs: 10 } }],
    ['maxRestartsInWindow.windowMs', { maxRestartsInWindow: { windowMs: 0 } }],
    ['shutdownTimeoutMs', { shutdownTimeoutMs: Number.NaN }],
    ['metricsPort', { metricsPort: 70_000 }],
  ])('rejects a bad %s before forking anything', async (name, override) => {
    await expect(runSupervisor({ ...valid, ...override })).rejects.toMatchObject({
      code: 'KUMO_SUPERVISOR_INVALID_OPTION',
      message: expect.stringContaining(name),
    });
  });
});

describe('runWorkerProcess options', () => {
  it.each<[string, Parameters<typeof runWorkerProcess>[0]]>([
    ['shutdownTimeoutMs', { start: async () => ({ close: async () => undefined }), logger, shutdownTimeoutMs: -5 }],
    ['start', { start: undefined as unknown as () => Promise<{ close(): Promise<void> }>, logger }],
  ])('rejects a bad %s', async (name, options) => {
    await expect(runWorkerProcess(options)).rejects.toMatchObject({
      code: 'KUMO_SUPERVISOR_INVALID_OPTION',
      message: expect.stringContaining(name),
    });
  });
});
