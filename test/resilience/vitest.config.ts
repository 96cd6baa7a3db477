import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run test:resilience`: faults, hostile input and load against real kumo processes (API, both worker apps with
 * their supervisors, a redis-server per test file, site servers on 127.0.0.1). Two projects:
 * - `ci`: every `*.test.ts` except the slow ones — a meaningful subset under 4 minutes on 2 cores
 *   (`npm run test:resilience -- --project ci`);
 * - `slow`: `*.slow.test.ts` — whole-app kills, SIGTERM of everything, the long fuzz run, 20 crawls at once and
 *   their TTL expiry.
 * Without `--project` both run (the whole suite).
 */
export default defineConfig({
  resolve: { conditions: ['kumo-source'] },
  ssr: { resolve: { conditions: ['kumo-source'] } },
  test: {
    root,
    globalSetup: ['test/resilience/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    // Each file starts its own Redis and up to three apps (kuromoji alone is ~300 MB per analysis process): one
    // file at a time keeps 2-core machines from starving the lock renewals that the fault tests rely on.
    maxWorkers: 1,
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'ci',
          include: ['test/resilience/**/*.test.ts'],
          exclude: ['test/resilience/**/*.slow.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'slow', include: ['test/resilience/**/*.slow.test.ts'] },
      },
    ],
  },
});
