--[[
  Raises the cancel flag that workers read before starting a fetch.

  KEYS[1]  result:{b}:crawl:<id>
  ARGV[1]  TTL of KEYS[1] (ms)

  Returns: the crawl's current status (a string), or -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'cancel', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], 'status')
