--[[
  Grants a per-host request lease, or says how long to wait for one. Shared by every crawl process on every
  machine, so the host sees at most `concurrency` requests in flight and starts at least `delay` ms apart.
  Time comes from Redis (TIME), never from the callers, so clock skew between machines cannot break the limit.

  KEYS[1]  ratelimit:{h:<host>}:leases  ZSET  lease id -> lease expiry (ms)
  KEYS[2]  ratelimit:{h:<host>}:state   HASH  next = earliest next request start (ms), backoff = back-off end (ms)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  lease id (unique per request)
  ARGV[4]  concurrency: leases allowed at once (>= 1)
  ARGV[5]  delay between request starts in ms (the larger of the configured delay and robots Crawl-delay)
  ARGV[6]  lease duration in ms: a lease of a process that died frees itself after this long
  ARGV[7]  wait suggested when every lease is taken, in ms (capped by the earliest lease expiry)

  Returns: 0 when the lease was granted, else the number of ms to wait before asking again (>= 1).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local concurrency = tonumber(ARGV[4])
local delay = tonumber(ARGV[5])
local leaseMs = tonumber(ARGV[6])
local busyWait = tonumber(ARGV[7])

-- Leases of dead processes (or never released) expire here.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)

local notBefore = math.max(tonumber(redis.call('HGET', KEYS[2], 'next') or '0'),
  tonumber(redis.call('HGET', KEYS[2], 'backoff') or '0'))
if notBefore > now then
  return notBefore - now
end

if redis.call('ZCARD', KEYS[1]) >= concurrency then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local untilExpiry = tonumber(first[2]) - now
  return math.max(1, math.min(busyWait, untilExpiry))
end

redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'next', now + delay)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 0
