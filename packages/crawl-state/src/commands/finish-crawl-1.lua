--[[
  Sets a terminal status and finishedAt, unless the crawl is already terminal (idempotent: the first one wins).

  KEYS[1]  result:{b}:crawl:<id>
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  status: completed | failed | cancelled
  ARGV[3]  finishedAt (ISO 8601)

  Returns: the crawl's final status (a string), or -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local current = redis.call('HGET', KEYS[1], 'status')
if current == 'completed' or current == 'failed' or current == 'cancelled' then return current end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return ARGV[2]
