--[[
  countsJson(recordKey)
  The record's counters as the JSON object of a `progress` or `done` event (missing counters read as 0: records
  written before `dropped` existed lack it). `notModified` is there on a crawl with a `previousId` (a schedule's later run) or once a `304` stood in for a page.
]]
local function countsJson(recordKey)
  local c = redis.call('HMGET', recordKey, 'discovered', 'fetched', 'failed', 'skipped', 'analyzed', 'dropped',
    'notModified', 'previousId')
  local notModified = ''
  if c[7] or c[8] then notModified = ',"notModified":' .. (tonumber(c[7]) or 0) end
  return '{"discovered":' .. (tonumber(c[1]) or 0) .. ',"fetched":' .. (tonumber(c[2]) or 0) ..
    ',"failed":' .. (tonumber(c[3]) or 0) .. ',"skipped":' .. (tonumber(c[4]) or 0) ..
    ',"analyzed":' .. (tonumber(c[5]) or 0) .. ',"dropped":' .. (tonumber(c[6]) or 0) .. notModified .. '}'
end
