--[[
  countsJson(recordKey)
  The record's counters as the JSON object of a `progress` or `done` event (missing counters read as 0: records
  written before `dropped` existed lack it).
]]
local function countsJson(recordKey)
  local c = redis.call('HMGET', recordKey, 'discovered', 'fetched', 'failed', 'skipped', 'analyzed', 'dropped')
  return '{"discovered":' .. (tonumber(c[1]) or 0) .. ',"fetched":' .. (tonumber(c[2]) or 0) ..
    ',"failed":' .. (tonumber(c[3]) or 0) .. ',"skipped":' .. (tonumber(c[4]) or 0) ..
    ',"analyzed":' .. (tonumber(c[5]) or 0) .. ',"dropped":' .. (tonumber(c[6]) or 0) .. '}'
end
