// The dependency rules of docs/architecture.md ("Packages and their direction"), checked on every `npm test`
// (`npm run lint:deps`, a Turborepo root task). test/integration/lint-rules.test.ts proves each rule fires.
// Cross-package imports resolve through the `kumo-source` export condition to the packages' src/, so the graph
// is the source graph, tests and fixtures included.

/** Redis clients and the queue library: the pure packages must not reach any of them. */
const REDIS_MODULES = '(^|/)node_modules/(ioredis|bullmq|redis|@redis/[^/]+|iovalkey|@valkey/[^/]+|bull)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-packages-no-redis',
      comment:
        '@kumo/crawler and @kumo/analyzer are pure: no Redis client, no BullMQ, not even through another module. ' +
        'They report on node:diagnostics_channel and the apps wire them to Redis.',
      severity: 'error',
      from: { path: '^packages/(crawler|analyzer)/' },
      to: { path: REDIS_MODULES, reachable: true },
    },
    {
      name: 'pure-packages-no-state',
      comment:
        '@kumo/crawler and @kumo/analyzer import none of the Redis-backed packages (keyspace, queues, crawl-state).',
      severity: 'error',
      from: { path: '^packages/(crawler|analyzer)/' },
      to: { path: '^packages/(keyspace|queues|crawl-state)/' },
    },
    {
      name: 'api-never-analyzer',
      comment: 'apps/api never runs analysis (kuromoji costs ~350 MB per process): not even through another package.',
      severity: 'error',
      from: { path: '^apps/api/' },
      to: { path: '^packages/analyzer/', reachable: true },
    },
    {
      name: 'packages-never-apps',
      comment: 'Dependencies point one way: apps are entry points over the packages, never the other way round.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle, between files or between packages (BullMQ runs madge --circular for the same reason).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build outputs of our packages only: node_modules/bullmq/dist/… must stay visible to the rules.
    exclude: { path: '^(packages|apps)/[^/]+/(dist|coverage|\\.turbo)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['kumo-source', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
