--[[
  Gives a request lease back, so the next request to the host may start (subject to the delay), and folds the
  request's fetch time into the host's average, which paces the planning of hosts whose limit is concurrency.

  KEYS[1]  ratelimit:{h:<host>}:leases  ZSET  "<crawl id>|<lease id>" -> lease expiry (ms)
  KEYS[2]  ratelimit:{h:<host>}:state   HASH  last, backoff, delay, fetchMs (moving average)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  lease member ("<crawl id>|<lease id>")
  ARGV[4]  the request's fetch time in ms (-1: not measured)

  Returns: 1 when the lease was held, 0 when it had already expired.
]]
local removed = redis.call('ZREM', KEYS[1], ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local fetchMs = tonumber(ARGV[4])
if fetchMs >= 0 then
  local previous = tonumber(redis.call('HGET', KEYS[2], 'fetchMs'))
  local average = fetchMs
  if previous then average = previous * 0.7 + fetchMs * 0.3 end
  redis.call('HSET', KEYS[2], 'fetchMs', math.max(1, math.floor(average)))
  redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[2])))
end
return removed
