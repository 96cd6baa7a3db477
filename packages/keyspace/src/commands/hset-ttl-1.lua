--[[
  HSET fields of a hash and set the hash's TTL.

  KEYS[1]  the hash
  ARGV[1]  TTL of KEYS[1] in milliseconds
  ARGV[2…] field, value, field, value, …

  Returns: the number of fields that were new.
]]
local added = 0
-- In slices: unpack() of thousands of values would overflow Lua's C stack.
local slice = 1000
for first = 2, #ARGV, slice do
  local last = math.min(first + slice - 1, #ARGV)
  added = added + redis.call('HSET', KEYS[1], unpack(ARGV, first, last))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return added
