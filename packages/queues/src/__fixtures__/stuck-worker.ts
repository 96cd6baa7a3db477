// A process with one wedged worker, for the liveness check's default reaction (worker.test.ts):
// `node --import tsx --conditions kumo-source stuck-worker.ts <redis url>`. Prints the worker's log lines as JSON
// and `SIGTERM` when the signal arrives, then exits 0.
import { Queue } from 'bullmq';
import { KeySpace } from '@kumo/keyspace';
import { testSetup } from './setup.js';
import { createKumoWorker } from '../worker.js';

const { config, connection } = testSetup(process.argv[2]!, { WORKER_LIVENESS_CHECK_MS: '200' });
const print = (object: object, message?: string) =>
  process.stdout.write(`${JSON.stringify({ ...object, msg: message })}\n`);
process.on('SIGTERM', () => {
  process.stdout.write('SIGTERM\n');
  connection.disconnect();
  process.exit(0);
});
const worker = createKumoWorker('crawl', async () => 'done', {
  connection,
  config,
  concurrency: 1,
  autorun: false,
  logger: { warn: print, error: print },
});
// The fetch loop waits for a job forever, as after a lost blocking connection.
(worker as unknown as { waitForJob: () => Promise<number> }).waitForJob = () => new Promise<number>(() => {});
const drained = new Promise<void>((resolve) => worker.once('drained', () => resolve()));
void worker.run();
await drained;
const queue = new Queue('crawl', { connection, prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix() });
await queue.add('crawl', { n: 1 });
// Keeps the process up until the signal (the liveness timer does not).
setInterval(() => undefined, 1000);
