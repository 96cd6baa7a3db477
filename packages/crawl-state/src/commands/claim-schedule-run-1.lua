--[[
  Claims a schedule for one run (its BullMQ job id), so that one schedule's runs never overlap: a run created while
  another is in flight would name the same previous crawl (a fork in the previousId chain). The claim is field
  `runJob` of the record; `touch-schedule-1.lua` releases it when the run has recorded its crawl. A holder that can
  no longer run (failed for good, removed) is taken over by naming it.

  KEYS[1]  result:schedule:<id>   the record (hash)
  ARGV[1]  TTL of KEYS[1] (ms): a run that claims renews the record
  ARGV[2]  the run's job id
  ARGV[3]  the holder to take over from, or '' to claim only a free schedule

  Returns: '' when the run holds the claim (now, or already: a retried run), the holder's job id when another run
  holds it, -1 when the record does not exist.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local holder = redis.call('HGET', KEYS[1], 'runJob')
if not holder or holder == ARGV[2] or holder == ARGV[3] then
  redis.call('HSET', KEYS[1], 'runJob', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return ''
end
return holder
