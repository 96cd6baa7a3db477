--[[
  Renews a schedule's record, and records the crawl of a run when one is given. Never re-creates a deleted or
  expired record: a run or a sweep that finds it gone must stop the schedule instead.

  KEYS[1]  result:schedule:<id>   the record (hash)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  the crawl a run created (field `lastCrawlId`), or '' to renew only

  Returns: the record's owner, or -1 when the record does not exist.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'lastCrawlId', ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], 'owner')
