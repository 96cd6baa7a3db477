import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook receiver got, its body as the raw text that was signed. */
export interface ReceivedWebhook {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with a request: answer with a status, or never answer (`hang`). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedWebhook[];
  /** The requests that carried this `Kumo-Delivery` id. */
  deliveriesOf(deliveryId: string): ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that records every request. `answer` decides each answer from the request and
 * how many requests with the same `Kumo-Delivery` came before it (0 for the first).
 */
export async function startWebhookReceiver(
  answer: (request: ReceivedWebhook, earlier: number) => ReceiverAnswer = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const deliveriesOf = (id: string) => received.filter((request) => request.headers['kumo-delivery'] === id);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedWebhook = {
        path: req.url ?? '',
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const earlier = deliveriesOf(String(req.headers['kumo-delivery'])).length;
      received.push(request);
      const decision = answer(request, earlier);
      if (decision !== 'hang') res.writeHead(decision, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    deliveriesOf,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
