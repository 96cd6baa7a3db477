--[[
  emitProgress(eventsKey, recordKey, lockKey, lockMs, eventsTtlMs)
  Appends a `progress` event with the record's counters when the throttle lock is free, then holds the lock for
  lockMs (SET NX PX): at most one progress event per crawl per interval, whoever writes.
]]
local function countsJson(recordKey)
  local c = redis.call('HMGET', recordKey, 'discovered', 'fetched', 'failed', 'skipped', 'analyzed')
  return '{"discovered":' .. (tonumber(c[1]) or 0) .. ',"fetched":' .. (tonumber(c[2]) or 0) ..
    ',"failed":' .. (tonumber(c[3]) or 0) .. ',"skipped":' .. (tonumber(c[4]) or 0) ..
    ',"analyzed":' .. (tonumber(c[5]) or 0) .. '}'
end

local function emitProgress(eventsKey, recordKey, lockKey, lockMs, eventsTtlMs)
  if redis.call('SET', lockKey, '1', 'NX', 'PX', lockMs) then
    redis.call('XADD', eventsKey, '*', 'type', 'progress', 'data', countsJson(recordKey))
    redis.call('PEXPIRE', eventsKey, eventsTtlMs)
  end
end
