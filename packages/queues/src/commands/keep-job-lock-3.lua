--[[
  Keeps an active job's BullMQ lock while its processor waits for Redis to take writes again (a full Redis under
  noeviction, a read-only replica, a failover). BullMQ's own renewal (extendLock) sets the lock with SET, which a
  full Redis refuses; PEXPIRE and SREM are not refused for lack of memory, so this keeps the lock through an OOM.
  A lock that expired meanwhile (Redis unreachable for longer than the lock) is taken again only while the job is
  still in the active list and nobody else holds it: the stalled checker has not given it to another worker yet.

  KEYS[1]  <queue prefix>:<queue>:<jobId>:lock   BullMQ's job lock
  KEYS[2]  <queue prefix>:<queue>:active         BullMQ's active list
  KEYS[3]  <queue prefix>:<queue>:stalled        BullMQ's stalled-candidates set
  ARGV[1]  the worker's lock token of the job
  ARGV[2]  lock duration (ms)
  ARGV[3]  job id

  Returns: 1 the lock is held (kept or taken again), 0 it is lost (another token holds it, or the job is no
  longer active). An error reply when Redis refuses even this (read-only, or OOM while taking an expired lock).
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
  return 1
end
if holder then return 0 end
if not redis.call('LPOS', KEYS[2], ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3])
return 1
