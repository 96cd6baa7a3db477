import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { buildWorkerResources, createApp, type ApiApp, type WorkerResources } from '@kumo/api';
import { loadConfig, type Config } from '@kumo/config';
import { createLogger } from '@kumo/observability';
import { expect } from 'vitest';
import { testEnv, type RedisEnv } from './env.js';

/** Keys every in-process test API accepts: two, so tests can check that one key cannot see the other's crawls. */
export const TEST_API_KEYS = ['test-key-alpha-0123456789', 'test-key-beta-0123456789'] as const;
export const TEST_BOARD = { user: 'board', password: 'board-password-123' } as const;

/** An API built with `createApp` and listening on 127.0.0.1 in the test process. */
export interface InProcessApi {
  readonly url: string;
  readonly config: Config;
  readonly api: ApiApp;
  readonly resources: WorkerResources;
  /** Log lines the app wrote (warn and above). */
  readonly logs: Record<string, unknown>[];
  /** `fetch` against the API with `Authorization: Bearer <key>` (the first test key unless `key` is given). */
  request(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the API in-process over the shared test Redis, isolated by `prefix`. */
export async function startInProcessApi(options: {
  redisUrl?: string;
  /** The Redis as an environment (a cluster in test/cluster); takes precedence over `redisUrl`. */
  redis?: RedisEnv;
  prefix: string;
  overrides?: Record<string, string>;
  readyTimeoutMs?: number;
  /** A read-only board login besides `TEST_BOARD`. */
  boardViewer?: { user: string; password: string };
}): Promise<InProcessApi> {
  const config = loadConfig(
    testEnv({
      redisUrl: options.redisUrl,
      redis: options.redis,
      prefix: options.prefix,
      overrides: {
        API_KEYS: TEST_API_KEYS.join(','),
        BOARD_USER: TEST_BOARD.user,
        BOARD_PASSWORD: TEST_BOARD.password,
        SSE_HEARTBEAT_MS: '1000',
        ...options.overrides,
      },
    }),
  );
  const logs: Record<string, unknown>[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ name: 'api', level: 'warn', destination });
  const resources = await buildWorkerResources(config, logger, {
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
  });
  const api = createApp({
    settings: config,
    logger,
    crawls: resources.crawls,
    store: resources.store,
    queues: resources.queues,
    openReader: resources.openReader,
    apiKeys: config.API_KEYS ?? [],
    board: { ...TEST_BOARD, ...(options.boardViewer ? { viewer: options.boardViewer } : {}) },
    keyAudit: { client: resources.client, prefix: config.KUMO_PREFIX },
    readerBlockMs: 2000,
  });
  const server = http.createServer(api.app);
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    config,
    api,
    resources,
    logs,
    request(path, init = {}) {
      const { key = TEST_API_KEYS[0], headers, ...rest } = init;
      const merged = new Headers(headers);
      if (key !== null && !merged.has('authorization')) merged.set('authorization', `Bearer ${key}`);
      return fetch(`${url}${path}`, { ...rest, headers: merged });
    },
    async close() {
      api.beginShutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
      await resources.close();
    },
  };
}

/** `POST /v1/crawls` that must be accepted: the new crawl's id (a test fails on any other answer, showing it). */
export async function startAcceptedCrawl(api: Pick<InProcessApi, 'request'>, body: unknown): Promise<string> {
  const response = await postCrawl(api, body);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** `POST /v1/crawls` with a JSON body. */
export function postCrawl(api: Pick<InProcessApi, 'request'>, body: unknown, headers: Record<string, string> = {}) {
  return api.request('/v1/crawls', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
