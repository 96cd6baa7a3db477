--[[
  Appends a `page` or `analysis` event, indexes it by URL, counts it, and emits a throttled `progress` event.
  Idempotent per URL and type: a retried job gets the id of the first append back and counts nothing twice.

  KEYS[1]  result:{b}:events:<id>                               result stream
  KEYS[2]  result:{b}:crawl:<id>                                record
  KEYS[3]  result:{b}:page-index:<id> | :analysis-index:<id>    url → stream id, one index per event type
  KEYS[4]  lock:{b}:progress:<id>                               progress throttle
  ARGV[1…4]  TTLs of KEYS[1…4] (ms); ARGV[4] is the progress interval
  ARGV[5]  url
  ARGV[6]  event type: page | analysis
  ARGV[7]  data: the PageResult JSON without analysis, or `{ url, analysis }` JSON
  ARGV[8]  counter to increment: fetched | failed | skipped for a page, analyzed for an analysis
  ARGV[9]  optional second counter to increment (notModified for a page a `304` stood in for)

  Returns: the stream id of the event, or -1 no such crawl.
]]
--- @include "emit-progress"

if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local existing = redis.call('HGET', KEYS[3], ARGV[5])
if existing then return existing end
local id = redis.call('XADD', KEYS[1], '*', 'type', ARGV[6], 'data', ARGV[7])
redis.call('HSET', KEYS[3], ARGV[5], id)
redis.call('HINCRBY', KEYS[2], ARGV[8], 1)
if ARGV[9] and ARGV[9] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[9], 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
emitProgress(KEYS[1], KEYS[2], KEYS[4], ARGV[4], ARGV[1])
return id
