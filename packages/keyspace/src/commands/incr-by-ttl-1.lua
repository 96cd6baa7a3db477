--[[
  INCRBY a counter and set its TTL: one command instead of a MULTI (cheaper for the client and the server on the
  hot paths: every API request's rate-limit counter).

  KEYS[1]  the counter
  ARGV[1]  TTL of KEYS[1] in milliseconds
  ARGV[2]  increment (integer)

  Returns: the new value.
]]
local value = redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return value
