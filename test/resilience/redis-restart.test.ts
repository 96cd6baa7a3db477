import { defineRedisOutage } from './helpers/redis-outage.js';

// SIGTERM: Redis writes its append-only file and exits. The SIGKILL variant is in redis-kill.slow.test.ts.
defineRedisOutage('SIGTERM');
