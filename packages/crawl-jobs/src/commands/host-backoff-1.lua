--[[
  Holds every request to a host back until a moment (a 429 or 503 with Retry-After). An earlier back-off never
  shortens a later one.

  KEYS[1]  ratelimit:{h:<host>}:state  HASH  next, backoff (ms)
  ARGV[1]  TTL of KEYS[1] in ms (at least the back-off)
  ARGV[2]  back-off in ms from now

  Returns: the back-off end (ms, Redis time).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = now + tonumber(ARGV[2])
local current = tonumber(redis.call('HGET', KEYS[1], 'backoff') or '0')
if current > untilMs then
  untilMs = current
end
redis.call('HSET', KEYS[1], 'backoff', untilMs)
-- Never shorten the hash's life below what an earlier, longer back-off needed.
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[1]), redis.call('PTTL', KEYS[1])))
return untilMs
