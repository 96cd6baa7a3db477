import { defineApiFuzzSuite } from './helpers/fuzz-suite.js';

// Thousands of generated bodies, headers and query strings, bounded to about a minute.
defineApiFuzzSuite('API fuzz (long run)', { numRuns: 5000, timeLimitMs: 60_000 });
