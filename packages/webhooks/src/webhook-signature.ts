import { createHmac, timingSafeEqual } from 'node:crypto';

// Stripe-style signing of a delivery: `Kumo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
// Signing the timestamp with the body lets a receiver refuse replays of an old delivery (timestamp tolerance).

/** The `Kumo-Signature` value of `body` signed with `secret` at `timestampS` (unix seconds). */
export function webhookSignature(secret: string, body: string, timestampS: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${v1}`;
}

export interface VerifyOptions {
  /** Largest age (or skew into the future) of the signature's timestamp. @defaultValue 300 */
  toleranceS?: number;
  /** The receiver's clock, in unix seconds. @defaultValue now */
  nowS?: number;
}

/**
 * A receiver's check (what the README's example does): the header parses, its timestamp is within the tolerance,
 * and one of its `v1` signatures equals ours, compared in constant time.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  if (header === undefined) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([name]) => name === 't')?.[1]);
  const signatures = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(t) || signatures.length === 0) return false;
  const now = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceS ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(secret, body, t).slice(`t=${t},v1=`.length), 'hex');
  return signatures.some((value) => {
    const given = Buffer.from(value, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
