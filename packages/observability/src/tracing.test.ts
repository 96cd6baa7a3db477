import { describe, expect, it } from 'vitest';
import { activeTracing, startTracing } from './tracing.js';

describe('startTracing', () => {
  it.each([undefined, ''])('stays off with endpoint %j: nothing started, nothing active', async (endpoint) => {
    expect(await startTracing({ endpoint, serviceName: 'kumo-test' })).toBeUndefined();
    expect(activeTracing()).toBeUndefined();
  });
});
