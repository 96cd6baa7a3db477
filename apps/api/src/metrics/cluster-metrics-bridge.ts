import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** Prometheus text and its content type. */
export interface MetricsText {
  contentType: string;
  text: string;
}

const REQUEST = 'kumo:api:metrics-request';
const REPLY = 'kumo:api:metrics-reply';

interface RequestMessage {
  type: typeof REQUEST;
  id: string;
}
interface ReplyMessage {
  type: typeof REPLY;
  id: string;
  contentType?: string;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * In the cluster primary: answers a worker's request for metrics with the metrics of every worker combined
 * (prom-client's AggregatorRegistry asks each over IPC) plus the primary's own registry (the key-audit and queue
 * gauges live there, so they are computed once, not once per process). Prometheus scrapes the API's port and
 * whichever worker takes the scrape returns the whole picture. Returns a function that stops answering.
 */
export function serveClusterMetrics(primaryRegistry: Registry): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage<RequestMessage>(message, REQUEST)) return;
    Promise.all([aggregator.clusterMetrics(), primaryRegistry.metrics()]).then(
      ([workers, own]) => {
        const reply: ReplyMessage = {
          type: REPLY,
          id: message.id,
          contentType: aggregator.contentType,
          text: `${workers.trimEnd()}\n${own}`,
        };
        if (worker.isConnected()) worker.send(reply);
      },
      (error: Error) => {
        if (worker.isConnected())
          worker.send({ type: REPLY, id: message.id, error: error.message } satisfies ReplyMessage);
      },
    );
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * In a cluster worker: makes this process's registry visible to the primary's aggregation, and returns the function
 * that fetches the combined metrics (falling back to this process's own when the primary does not answer in time).
 */
export function clusterMetricsSource(registry: Registry, timeoutMs = 5000): () => Promise<MetricsText> {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client installs a worker's answering listener only when an AggregatorRegistry is constructed.
  new AggregatorRegistry();
  const local = async (): Promise<MetricsText> => ({
    contentType: registry.contentType,
    text: await registry.metrics(),
  });
  return () => {
    if (!cluster.isWorker || !process.send) return local();
    const id = randomUUID();
    return new Promise<MetricsText>((resolve) => {
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        resolve(local());
      }, timeoutMs);
      const onMessage = (message: unknown) => {
        if (!isMessage<ReplyMessage>(message, REPLY) || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.text !== undefined)
          resolve({ contentType: message.contentType ?? registry.contentType, text: message.text });
        else resolve(local());
      };
      process.on('message', onMessage);
      process.send!({ type: REQUEST, id } satisfies RequestMessage);
    });
  };
}
