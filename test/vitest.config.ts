import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The whole test suite, run from the repository root with `npm test`:
 * - `unit`: tests beside the code in packages/ and apps/ (pure logic, or their own short-lived servers);
 * - `integration`: tests under test/integration that cross packages and run real processes against one Redis
 *   provisioned by the global setup (REDIS_URL when set, else an embedded redis-server in a temp dir);
 *   each test file isolates itself with its own key prefix;
 * - `resilience`: the CI subset of test/resilience (faults, hostile input, auth, SSRF against the built apps).
 */
export default defineConfig({
  test: {
    root,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/__fixtures__/**'],
      reporter: ['text-summary', 'html'],
      reportsDirectory: 'coverage',
    },
    projects: [
      {
        extends: true,
        resolve: { conditions: ['kumo-source'] },
        ssr: { resolve: { conditions: ['kumo-source'] } },
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        resolve: { conditions: ['kumo-source'] },
        ssr: { resolve: { conditions: ['kumo-source'] } },
        test: {
          name: 'integration',
          // After the unit project: the two never compete for the 2 cores.
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration files start real processes; two at a time suits the 2-core machines.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        extends: true,
        resolve: { conditions: ['kumo-source'] },
        ssr: { resolve: { conditions: ['kumo-source'] } },
        test: {
          // The CI subset of the resilience suite (test/resilience, `npm run test:resilience` runs all of it):
          // faults and hostile input against the built apps, each file with a redis-server of its own.
          name: 'resilience',
          sequence: { groupOrder: 2 },
          include: ['test/resilience/**/*.test.ts'],
          exclude: ['test/resilience/**/*.slow.test.ts'],
          globalSetup: ['test/resilience/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 180_000,
          // One file at a time: each starts its own Redis and up to three apps, and kills them on purpose.
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
