--[[
  HINCRBY one field of a hash and set the hash's TTL.

  KEYS[1]  the hash
  ARGV[1]  TTL of KEYS[1] in milliseconds
  ARGV[2]  field
  ARGV[3]  increment (integer)

  Returns: the field's new value.
]]
local value = redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return value
