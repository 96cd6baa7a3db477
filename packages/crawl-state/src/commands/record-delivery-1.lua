--[[
  Appends one webhook delivery attempt to the crawl record's `deliveries` (a JSON array, oldest first), keeping only
  the latest ARGV[3].

  KEYS[1]  result:{b}:crawl:<id>   the record (hash)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  the attempt (a JSON object)
  ARGV[3]  most attempts kept

  Returns: the number of attempts kept, or -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local stored = redis.call('HGET', KEYS[1], 'deliveries')
local list = {}
if stored then list = cjson.decode(stored) end
list[#list + 1] = cjson.decode(ARGV[2])
local keep = tonumber(ARGV[3])
while #list > keep do table.remove(list, 1) end
redis.call('HSET', KEYS[1], 'deliveries', cjson.encode(list))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return #list
