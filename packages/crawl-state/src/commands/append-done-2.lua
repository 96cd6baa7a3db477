--[[
  Appends the `done` event with the final counters and `truncated` (counts.dropped > 0, derived here as the API
  derives it), once (a retried aggregate job gets the first id back).

  KEYS[1]  result:{b}:events:<id>   result stream
  KEYS[2]  result:{b}:crawl:<id>    record (doneId remembers the append)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  TTL of KEYS[2] (ms)
  ARGV[3]  status (a CrawlStatus: plain ASCII, no JSON escaping needed)

  Returns: the stream id of the done event, or -1 no such crawl.
]]
--- @include "counts-json"
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local existing = redis.call('HGET', KEYS[2], 'doneId')
if existing then return existing end
local truncated = (tonumber(redis.call('HGET', KEYS[2], 'dropped')) or 0) > 0
local data = '{"status":"' .. ARGV[3] .. '","counts":' .. countsJson(KEYS[2]) ..
  ',"truncated":' .. tostring(truncated) .. '}'
local id = redis.call('XADD', KEYS[1], '*', 'type', 'done', 'data', data)
redis.call('HSET', KEYS[2], 'doneId', id)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return id
