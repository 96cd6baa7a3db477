import { setTimeout as sleep } from 'node:timers/promises';
import type { CrawlStatus } from '@kumo/contract';
import { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { integerIn } from '../option-parsers.js';

/** How often `kumo cancel` asks for the crawl's status while it waits for the cancel to settle. */
const POLL_MS = 250;

const isActive = (status: CrawlStatus) => status === 'queued' || status === 'running';

/** What `kumo cancel` found: the status the crawl reached, and whether it is still settling after the wait. */
export interface CancelOutcome {
  id: string;
  status: CrawlStatus;
  /** True when the crawl was still queued or running when the wait ended: it ends `cancelled` later. */
  settling: boolean;
}

/**
 * `DELETE /v1/crawls/:id`, then the crawl's status until it leaves queued/running, for at most `waitMs`: the DELETE
 * answers the status at the moment of the request (usually `running`), which is not where the crawl ends.
 */
export async function cancelAndWait(
  client: ApiClient,
  id: string,
  options: { waitMs: number; signal?: AbortSignal | undefined },
): Promise<CancelOutcome> {
  let { status } = await client.cancelCrawl(id);
  const deadline = Date.now() + options.waitMs;
  while (isActive(status) && Date.now() < deadline && !options.signal?.aborted) {
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), undefined, { signal: options.signal }).catch(
      () => undefined,
    );
    ({ status } = await client.getCrawl(id));
  }
  return { id, status, settling: isActive(status) };
}

/** The line `kumo cancel` prints. */
export function formatCancelOutcome(outcome: CancelOutcome, waitMs: number): string {
  if (!outcome.settling) return `crawl ${outcome.id} ${outcome.status}`;
  return (
    `crawl ${outcome.id} cancel requested, still ${outcome.status} after ${waitMs / 1000} s ` +
    `(no new fetch starts; \`kumo status ${outcome.id}\` shows when it ends)`
  );
}

/** `kumo cancel <id>`: no new fetch starts; waits (bounded) for the status the crawl reaches and prints it. */
export function cancelCommand(io: CliIo): Command {
  return new Command('cancel')
    .description('cancel a crawl: no new fetch starts, it ends cancelled; prints the status it reached')
    .argument('<id>', 'crawl id')
    .option(
      '--wait <seconds>',
      'wait at most this long for the crawl to settle (0: do not wait)',
      integerIn(0, 600),
      10,
    )
    .option('--json', 'print { id, status, settling } as JSON')
    .action(async (id: string, options: { wait: number; json?: boolean }, command: Command) => {
      const waitMs = options.wait * 1000;
      const outcome = await cancelAndWait(clientFor(command, io), id, { waitMs, signal: io.signal });
      if (options.json) writeJson(io.stdout, outcome);
      else writeLines(io.stdout, [formatCancelOutcome(outcome, waitMs)]);
    });
}
