--[[
  Creates a crawl record unless one exists.

  KEYS[1]  result:{b}:crawl:<id>   the record (hash)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2…] field, value pairs

  Returns: 1 created, 0 the record already exists.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
