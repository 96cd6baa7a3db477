--[[
  Grants a request lease on a host, starting now or in at most `hold` ms, or says why not. Shared by every crawl
  process on every machine: the host sees at most `hostConcurrency` requests in flight, starts at least `hostDelay`
  ms apart (the larger of the deployment's delay and robots Crawl-delay), nothing before a Retry-After back-off ends,
  and a crawl with stricter politeness keeps its own delay and concurrency too. Time comes from Redis (TIME), never
  from the callers, so clock skew between machines cannot break the limits.

  KEYS[1]  ratelimit:{h:<host>}:leases        ZSET  "<crawl id>|<lease id>" -> lease expiry (ms)
  KEYS[2]  ratelimit:{h:<host>}:state         HASH  last, backoff, delay (learned), fetchMs
  KEYS[3]  ratelimit:{h:<host>}:crawl-starts  ZSET  crawl id -> its latest granted start (ms)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  TTL of KEYS[3] in ms
  ARGV[4]  lease id (unique per request)
  ARGV[5]  crawl id
  ARGV[6]  the deployment's requests in flight per host (>= 1)
  ARGV[7]  the crawl's own requests in flight per host (>= 1)
  ARGV[8]  delay between starts on the host in ms (deployment's delay or robots Crawl-delay, the larger)
  ARGV[9]  the crawl's own delay between its starts in ms (0: none)
  ARGV[10] lease duration in ms: a lease of a process that died frees itself this long after its start
  ARGV[11] hold: the longest wait in ms for which a lease is granted ahead (the caller sleeps until its start)
  ARGV[12] wait suggested when every lease is taken and no fetch time has been observed yet, in ms (capped by the
           earliest lease expiry)

  Returns: { 0, ms until the lease's start } when granted; { 1, ms until a start is possible } when the host or
  crawl is not ready for longer than the hold (the caller plans the job again); { 2, ms } when the requests in
  flight at the start would exceed a concurrency (an estimate of when the earliest frees).
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

local state = redis.call('HMGET', KEYS[2], 'last', 'backoff', 'fetchMs')
local fetchMs = tonumber(state[3]) or 0
local crawlLast = tonumber(redis.call('ZSCORE', KEYS[3], crawlId)) or 0
local startAt = math.max(now, (tonumber(state[1]) or 0) + hostDelay, tonumber(state[2]) or 0, crawlLast + crawlDelay)

-- Leases that will be in flight at `startAt`: those started already (until released), and those granted ahead that
-- start by then and, at the observed fetch time, will not have finished. Leases granted ahead on a host paced by its
-- delay do not overlap, so they never make it look busy.
local held, crawlHeld, earliestEnd = 0, 0, nil
local prefix = crawlId .. '|'
local leases = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #leases, 2 do
  local leaseStart = tonumber(leases[i + 1]) - leaseMs
  if leaseStart <= now or (leaseStart <= startAt and leaseStart + fetchMs > startAt) then
    held = held + 1
    if string.sub(leases[i], 1, #prefix) == prefix then crawlHeld = crawlHeld + 1 end
    local leaseEnd = math.min(leaseStart + fetchMs, tonumber(leases[i + 1]))
    if fetchMs == 0 then leaseEnd = math.min(now + tonumber(ARGV[12]), tonumber(leases[i + 1])) end
    if earliestEnd == nil or leaseEnd < earliestEnd then earliestEnd = leaseEnd end
  end
end
if held >= hostConcurrency or crawlHeld >= crawlConcurrency then
  -- Estimated from the observed fetch time (a lease frees at its expiry at the latest).
  return { 2, math.max(1, math.floor(math.max(earliestEnd, startAt) - now)) }
end
if startAt - now > tonumber(ARGV[11]) then return { 1, math.floor(startAt - now) } end

redis.call('ZADD', KEYS[1], startAt + leaseMs, crawlId .. '|' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'last', startAt, 'delay', hostDelay)
redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[2])))
redis.call('ZADD', KEYS[3], startAt, crawlId)
-- A crawl's last start matters for its delay only; an hour covers the longest allowed delay.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 3600000)
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return { 0, math.floor(startAt - now) }
