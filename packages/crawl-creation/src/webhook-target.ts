import type { CrawlRequest } from '@kumo/contract';
import { AddressPolicy, isIpLiteral } from '@kumo/crawler/address-policy';
import { ownPorts, type Config, type OwnPortsConfig } from '@kumo/config';
import type { FieldError } from './errors.js';

/** The settings the webhook target is checked with: the crawler's allow-list and kumo's own ports. */
export type WebhookTargetSettings = Pick<Config, 'CRAWL_ALLOW_HOSTS'> & OwnPortsConfig;

/**
 * The address policy of the crawl workers (`CRAWL_ALLOW_HOSTS`, kumo's own ports reserved), for checks the API can
 * make without connecting anywhere. Loaded from `@kumo/crawler/address-policy`: no HTTP client comes with it.
 */
export function webhookTargetPolicy(settings: WebhookTargetSettings): AddressPolicy {
  return new AddressPolicy(settings.CRAWL_ALLOW_HOSTS, { reservedPorts: ownPorts(settings) });
}

/**
 * A webhook URL whose host is a literal IP the policy refuses (loopback, private, link-local, metadata…) could never
 * be delivered: refused at once, naming why. A host *name* is only checked when a delivery connects (its addresses
 * are known then, and may change), where the delivery fails with `KUMO_WEBHOOKS_BLOCKED_ADDRESS`.
 */
export function webhookTargetErrors(request: CrawlRequest, policy: AddressPolicy): FieldError[] {
  if (!request.webhook) return [];
  const url = new URL(request.webhook.url);
  if (!isIpLiteral(url.hostname)) return [];
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const verdict = policy.check(url.hostname, url.hostname, port);
  if (verdict.allowed) return [];
  const why =
    verdict.port === undefined
      ? `a ${verdict.category} address`
      : `a ${verdict.category} address allowed on other ports than ${verdict.port}`;
  return [
    {
      path: 'webhook.url',
      message: `must be a public address: ${url.hostname} is ${why} (CRAWL_ALLOW_HOSTS does not allow it)`,
    },
  ];
}
