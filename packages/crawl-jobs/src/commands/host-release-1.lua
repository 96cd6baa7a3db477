--[[
  Gives a per-host lease back, so the next request to the host may start (subject to the delay).

  KEYS[1]  ratelimit:{h:<host>}:leases  ZSET  lease id -> lease expiry (ms)
  ARGV[1]  TTL of KEYS[1] in ms
  ARGV[2]  lease id

  Returns: 1 when the lease was held, 0 when it had already expired.
]]
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return removed
