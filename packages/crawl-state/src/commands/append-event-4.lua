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
--- @include "append-event"

return appendEvent(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6],
  ARGV[7], ARGV[8], ARGV[9])
