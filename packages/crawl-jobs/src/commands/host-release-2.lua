--[[
  Gives a request lease back, so the next request to the host may start (subject to the delay), and folds the time
  the request held its slot into the host's average, which paces the planning of hosts whose limit is concurrency.
  The hold runs from the grant to this release on Redis's clock: the fetch, and the round trips and event-loop turns
  around it, during which the slot is just as taken. Pacing by the fetch time alone planned starts before their slot
  freed, and each was refused and asked again.

  KEYS[1]  ratelimit:{h:<host>}:leases  ZSET  "<crawl id>|<lease id>" -> lease expiry (ms)
  KEYS[2]  ratelimit:{h:<host>}:state   HASH  last, backoff, delay, holdMs (moving average)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  lease member ("<crawl id>|<lease id>")
  ARGV[4]  the request's fetch time in ms (-1: not measured, and the hold is not counted)
  ARGV[5]  lease duration in ms (a lease's expiry is its grant plus this)

  Returns: 1 when the lease was held, 0 when it had already expired.
]]
local expiry = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[3]))
local removed = redis.call('ZREM', KEYS[1], ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local fetchMs = tonumber(ARGV[4])
if fetchMs >= 0 then
  local holdMs = fetchMs
  if expiry then
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    holdMs = math.max(holdMs, now - (expiry - tonumber(ARGV[5])))
  end
  local previous = tonumber(redis.call('HGET', KEYS[2], 'holdMs'))
  local average = holdMs
  if previous then average = previous * 0.7 + holdMs * 0.3 end
  redis.call('HSET', KEYS[2], 'holdMs', math.max(1, math.floor(average)))
  redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[2])))
end
return removed
