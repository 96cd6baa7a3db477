import { crawlRequestSchema } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { webhookTargetErrors, webhookTargetPolicy } from './webhook-target.js';

const ports = { API_PORT: 3000, CRAWL_WORKER_METRICS_PORT: 9101, ANALYSIS_WORKER_METRICS_PORT: 9102 };

function errorsFor(url: string, allowHosts: string[] = []) {
  const request = crawlRequestSchema.parse({ urls: ['https://example.com/'], webhook: { url } });
  return webhookTargetErrors(request, webhookTargetPolicy({ CRAWL_ALLOW_HOSTS: allowHosts, ...ports }));
}

describe('webhookTargetErrors', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://10.1.2.3:8080/hook',
    'http://192.168.0.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0.0.0.0/hook',
  ])('refuses a literal non-public address: %s', (url) => {
    expect(errorsFor(url)).toEqual([
      { path: 'webhook.url', message: expect.stringMatching(/^must be a public address: .+CRAWL_ALLOW_HOSTS/) },
    ]);
  });

  it.each([
    ['a public IP', 'https://93.184.215.14/hook', []],
    ['a host name (checked when a delivery connects)', 'http://localhost:8080/hook', []],
    ['an allow-listed address', 'http://127.0.0.1:8080/hook', ['127.0.0.1']],
    ['an allow-listed range', 'http://10.1.2.3/hook', ['10.0.0.0/8']],
  ])('accepts %s', (_name, url, allowHosts) => {
    expect(errorsFor(url, allowHosts)).toEqual([]);
  });

  it("refuses kumo's own ports, which an allow-list entry without a port never opens", () => {
    expect(errorsFor('http://127.0.0.1:6379/', ['127.0.0.1'])[0]?.message).toMatch(/other ports than 6379/);
    expect(errorsFor('http://127.0.0.1:3000/', ['127.0.0.1'])).toHaveLength(1);
    expect(errorsFor('http://127.0.0.1:3000/', ['127.0.0.1:3000'])).toEqual([]);
  });

  it('has nothing to say about a request without a webhook', () => {
    const request = crawlRequestSchema.parse({ urls: ['https://example.com/'] });
    expect(webhookTargetErrors(request, webhookTargetPolicy({ CRAWL_ALLOW_HOSTS: [], ...ports }))).toEqual([]);
  });
});
