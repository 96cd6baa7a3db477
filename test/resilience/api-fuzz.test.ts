import { defineApiFuzzSuite } from './helpers/fuzz-suite.js';

// The CI-sized run; api-fuzz.slow.test.ts runs thousands of requests for a minute.
defineApiFuzzSuite('API fuzz (CI size)', { numRuns: 800, timeLimitMs: 25_000 });
