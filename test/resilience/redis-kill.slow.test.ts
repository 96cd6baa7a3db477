import { defineRedisOutage } from './helpers/redis-outage.js';

// SIGKILL: no shutdown at all. Nothing acknowledged is lost all the same: Redis write()s its append-only buffer
// before it answers (appendfsync everysec only delays the fsync, which matters for an OS crash, not a process kill).
defineRedisOutage('SIGKILL');
