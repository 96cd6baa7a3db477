--[[
  Grants a request lease on a host now, or says how long to wait. Shared by every crawl process on every machine:
  the host sees at most `hostConcurrency` requests in flight, starts at least `hostDelay` ms apart (the larger of the
  deployment's delay and robots Crawl-delay), nothing before a Retry-After back-off ends, and a crawl with stricter
  politeness keeps its own delay and concurrency too. A lease always starts now, when its request is about to go
  out, so the gap the host sees is the gap granted here (a lease granted ahead would start whenever its process
  wakes). Time comes from Redis (TIME), never from the callers, so clock skew between machines cannot break limits.

  KEYS[1]  ratelimit:{h:<host>}:leases        ZSET  "<crawl id>|<lease id>" -> lease expiry (ms)
  KEYS[2]  ratelimit:{h:<host>}:state         HASH  last, backoff, delay (learned), holdMs
  KEYS[3]  ratelimit:{h:<host>}:crawl-starts  ZSET  crawl id -> its latest granted start (ms)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  TTL of KEYS[3] in ms
  ARGV[4]  lease id (unique per request)
  ARGV[5]  crawl id
  ARGV[6]  the deployment's requests in flight per host (>= 1)
  ARGV[7]  the crawl's own requests in flight per host (>= 1)
  ARGV[8]  spacing between starts on the host in ms (`hostSpacingMs` of the deployment's delay or robots
           Crawl-delay, the larger: the delay plus a margin for dispatch jitter)
  ARGV[9]  spacing between the crawl's own starts in ms (`hostSpacingMs` of its own delay; 0: none)
  ARGV[10] lease duration in ms: a lease of a process that died frees itself this long after its start
  ARGV[11] wait suggested when every lease is taken and no hold time has been observed yet, in ms (capped by the
           earliest lease expiry)

  Returns: { 0, 0 } when granted; { 1, ms } when the host or the crawl may start a request only in `ms` (delay,
  back-off); { 2, ms } when its requests in flight are at a concurrency limit (an estimate of when one frees, from the
  observed hold time).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local crawlId = ARGV[5]
local hostConcurrency = tonumber(ARGV[6])
local crawlConcurrency = tonumber(ARGV[7])
local hostDelay = tonumber(ARGV[8])
local crawlDelay = tonumber(ARGV[9])
local leaseMs = tonumber(ARGV[10])

-- Leases of dead processes (or never released) expire here.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)

local state = redis.call('HMGET', KEYS[2], 'last', 'backoff', 'holdMs')
local holdMs = tonumber(state[3]) or 0
local crawlLast = tonumber(redis.call('ZSCORE', KEYS[3], crawlId)) or 0
local startAt = math.max((tonumber(state[1]) or 0) + hostDelay, tonumber(state[2]) or 0, crawlLast + crawlDelay)
if startAt > now then return { 1, startAt - now } end

local held = redis.call('ZCARD', KEYS[1])
local crawlHeld = 0
if crawlConcurrency < hostConcurrency then
  local prefix = crawlId .. '|'
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if string.sub(member, 1, #prefix) == prefix then crawlHeld = crawlHeld + 1 end
  end
end
if held >= hostConcurrency or crawlHeld >= crawlConcurrency then
  -- The earliest lease started at its expiry minus the lease duration and holds its slot about the observed hold
  -- time; it frees at its expiry at the latest.
  local expiry = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  local freeAt = now + tonumber(ARGV[11])
  if holdMs > 0 then freeAt = expiry - leaseMs + holdMs end
  return { 2, math.max(1, math.floor(math.min(freeAt, expiry) - now)) }
end

redis.call('ZADD', KEYS[1], now + leaseMs, crawlId .. '|' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'last', now, 'delay', hostDelay)
redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[2])))
redis.call('ZADD', KEYS[3], now, crawlId)
-- A crawl's last start matters for its delay only; an hour covers the longest allowed delay.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 3600000)
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return { 0, 0 }
