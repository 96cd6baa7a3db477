import { envList } from './env-types.js';

// Which request headers a crawl may set (`CRAWL_ALLOWED_HEADERS`, and the API's check of `headers`).

/**
 * Headers no crawl may set, even when an operator lists them: those of the connection itself (hop-by-hop, `host`,
 * framing), those kumo sets and relies on (`user-agent` is how sites identify and contact us; `accept-encoding`
 * decides what the body reader can decode; `accept` keeps non-HTML from being downloaded), and credentials
 * (`cookie`, `authorization`): a crawl's request is stored and shown to its owner, and its headers go to every
 * host the crawl reaches, so a credential would leak to other sites.
 */
export const FORBIDDEN_CRAWL_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'expect',
  'user-agent',
  'accept',
  'accept-encoding',
  'cookie',
  'cookie2',
  'authorization',
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** `CRAWL_ALLOWED_HEADERS`: a comma-separated list of header names, lower-cased; a forbidden one fails the config. */
export const envHeaderList = () =>
  envList()
    .transform((names) => [...new Set(names.map((name) => name.toLowerCase()))])
    .check((ctx) => {
      for (const name of ctx.value) {
        if (!HEADER_NAME.test(name)) {
          ctx.issues.push({ code: 'custom', input: ctx.value, message: `not an HTTP header name: ${name}` });
        } else if (FORBIDDEN_CRAWL_HEADERS.has(name)) {
          ctx.issues.push({ code: 'custom', input: ctx.value, message: `${name} can never be set by a crawl` });
        }
      }
    });
