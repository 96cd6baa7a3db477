import { Queue } from 'bullmq';
import { createRedisClient, KeySpace } from '@kumo/keyspace';

/**
 * The crawl queue of a running system under `prefix`, read from outside: how many times BullMQ started each crawl
 * job of a crawl (Bull Board's "started" count). The system must keep finished jobs (`QUEUE_KEEP_COMPLETED_COUNT`).
 */
export function crawlJobStarts(redisUrl: string, prefix: string) {
  const admin = createRedisClient(redisUrl);
  const queue = new Queue('crawl', { connection: admin, prefix: new KeySpace({ prefix }).queuePrefix() });
  return {
    /** Start count of every finished crawl job of `crawlId`. */
    async of(crawlId: string): Promise<number[]> {
      const jobs = await queue.getJobs(['completed', 'failed']);
      return jobs
        .filter((job) => (job.data as { crawlId?: string }).crawlId === crawlId)
        .map((job) => job.attemptsStarted);
    },
    async close(): Promise<void> {
      await queue.close();
      admin.disconnect();
    },
  };
}
