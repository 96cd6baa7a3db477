import type { KumoKey } from './key-space.js';
import type { RedisClient } from './redis-client.js';
import { assertOneTag } from './script.js';
import { toBatches, type StreamBatch } from './stream-entry.js';

/**
 * One stream to follow and the id after which to read. Prefer a concrete id (the last one delivered): `$` means
 * "after the last entry at the moment XREAD reaches Redis", so entries added just before are missed.
 */
export interface StreamCursor {
  readonly key: KumoKey;
  readonly afterId: string;
}

export interface ReadStreamsOptions {
  /** How long XREAD blocks when nothing is there; 0 blocks forever. Required: a reader should wake up now and then. */
  blockMs: number;
  /** Most entries returned per stream. Default 100. */
  count?: number;
}

/**
 * A dedicated connection for blocking stream reads (XREAD BLOCK). A blocked connection holds up every other command
 * sent on it, so it is never shared: the SSE multiplexer keeps one per active bucket. Only reads: no TTL concerns.
 */
export class BlockingReader {
  /** `CLIENT ID` of the connection on a single node (for `CLIENT UNBLOCK`); null on a Redis Cluster. */
  readonly clientId: number | null;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    clientId: number | null,
  ) {
    this.clientId = clientId;
  }

  /**
   * Blocks until one of the streams has entries after its cursor, or `blockMs` passes (then resolves `[]`).
   * All keys must share one hash tag (a cluster routes a multi-key XREAD to one node); resolves `[]` once closed.
   */
  async readStreams(cursors: readonly StreamCursor[], options: ReadStreamsOptions): Promise<StreamBatch[]> {
    if (cursors.length === 0) return [];
    assertOneTag(
      cursors.map((cursor) => cursor.key),
      'readStreams',
    );
    if (this.closed) return [];
    const args: (string | number)[] = ['COUNT', options.count ?? 100, 'BLOCK', options.blockMs, 'STREAMS'];
    for (const cursor of cursors) args.push(cursor.key);
    for (const cursor of cursors) args.push(cursor.afterId);
    try {
      // The typed method: ioredis 6's generic `call` unwraps a one-stream XREAD reply.
      const xread = this.client.xread.bind(this.client) as (...a: (string | number)[]) => Promise<unknown>;
      return toBatches(await xread(...args));
    } catch (error) {
      if (this.closed) return [];
      throw error;
    }
  }

  /** Closes the connection at once, ending a pending read (which resolves `[]`). */
  close(): void {
    this.closed = true;
    this.client.disconnect();
  }
}
