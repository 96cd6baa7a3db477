/** Public links of a crawl, relative to the API's base URL (`POST /v1/crawls`'s answer, the webhook body). */
export function crawlLinks(id: string) {
  const self = `/v1/crawls/${id}`;
  return { self, events: `${self}/events`, pages: `${self}/pages`, report: `${self}/report` };
}
