--[[
  Appends a page's `analysis` event (as append-event does: indexed by URL, counted as `analyzed`, a throttled
  `progress` event), then drops the page text it was made from, in one round trip. The text goes whatever the
  append returns: a retry finds the first append's id, and a crawl whose record is gone has no use for it.

  KEYS[1]  result:{b}:events:<id>            result stream
  KEYS[2]  result:{b}:crawl:<id>             record
  KEYS[3]  result:{b}:analysis-index:<id>    url → stream id of its analysis
  KEYS[4]  lock:{b}:progress:<id>            progress throttle
  KEYS[5]  tmp:{b}:text:<id>:<page>          the page text
  KEYS[6]  tmp:{b}:texts:<id>                set of page keys with a stored text
  ARGV[1…6]  TTLs of KEYS[1…6] (ms); ARGV[4] is the progress interval
  ARGV[7]  url
  ARGV[8]  data: the `{ url, analysis }` JSON
  ARGV[9]  page key

  Returns: the stream id of the event, or -1 no such crawl.
]]
--- @include "append-event"
--- @include "drop-text"

local id = appendEvent(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[7], 'analysis',
  ARGV[8], 'analyzed', nil)
dropText(KEYS[5], KEYS[6], ARGV[6], ARGV[9])
return id
