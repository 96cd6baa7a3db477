import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature.js';

const secret = 'whsec-0123456789abcdef';
const body = JSON.stringify({ id: 'c0123456789abcdefghij', status: 'completed' });

describe('webhookSignature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as node:crypto computes it independently', () => {
    const header = webhookSignature(secret, body, 1_800_000_000);
    const expected = createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${expected}`);
  });

  it('changes with the body, the timestamp and the secret', () => {
    const header = webhookSignature(secret, body, 1_800_000_000);
    expect(webhookSignature(secret, `${body} `, 1_800_000_000)).not.toBe(header);
    expect(webhookSignature(secret, body, 1_800_000_001).split(',')[1]).not.toBe(header.split(',')[1]);
    expect(webhookSignature(`${secret}x`, body, 1_800_000_000)).not.toBe(header);
  });
});

describe('verifyWebhookSignature', () => {
  const t = 1_800_000_000;
  const header = webhookSignature(secret, body, t);

  it('accepts the signature within the tolerance', () => {
    expect(verifyWebhookSignature(header, body, secret, { nowS: t + 299 })).toBe(true);
    expect(verifyWebhookSignature(` ${header.replace(',', ', ')}`, body, secret, { nowS: t })).toBe(true);
  });

  it.each([
    ['a changed body', header, `${body}\n`, secret, t],
    ['another secret', header, body, 'whsec-another-secret-1', t],
    ['an old timestamp (replay)', header, body, secret, t + 301],
    ['a timestamp far in the future', header, body, secret, t - 301],
    ['no header', undefined, body, secret, t],
    ['a header without v1', `t=${t}`, body, secret, t],
    ['a header without t', header.split(',')[1]!, body, secret, t],
    ['a truncated signature', header.slice(0, -2), body, secret, t],
  ])('refuses %s', (_name, given, givenBody, givenSecret, nowS) => {
    expect(verifyWebhookSignature(given, givenBody, givenSecret, { nowS })).toBe(false);
  });
});
