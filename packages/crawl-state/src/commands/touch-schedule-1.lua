--[[
  Renews a schedule's record, and records the crawl of a run when one is given. Never re-creates a deleted or
  expired record: a run or a sweep that finds it gone must stop the schedule instead.

  The crawl becomes the latest (`lastCrawlId`) only if it follows the latest, i.e. if the previous crawl it was
  created with is the recorded latest: a run given back after a crash, whose crawl a later run already followed,
  must not put the schedule back to an older crawl. The run's claim (`runJob`, see claim-schedule-run-1.lua) is
  released.

  KEYS[1]  result:schedule:<id>   the record (hash)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  the crawl a run created (field `lastCrawlId`), or '' to renew only
  ARGV[3]  that crawl's previousId ('' for a schedule's first run)
  ARGV[4]  the run's job id, whose claim is released ('' for none)

  Returns: the record's owner, or -1 when the record does not exist.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[2] ~= '' and (redis.call('HGET', KEYS[1], 'lastCrawlId') or '') == ARGV[3] then
  redis.call('HSET', KEYS[1], 'lastCrawlId', ARGV[2])
end
if ARGV[4] ~= '' and redis.call('HGET', KEYS[1], 'runJob') == ARGV[4] then redis.call('HDEL', KEYS[1], 'runJob') end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], 'owner')
