--[[
  Moves a crawl from queued to running (once) and sets startedAt.

  KEYS[1]  result:{b}:crawl:<id>
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  startedAt (ISO 8601)

  Returns: 1 moved, 0 not queued (already running or finished), -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
