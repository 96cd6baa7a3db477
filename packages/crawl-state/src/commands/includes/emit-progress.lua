--[[
  emitProgress(eventsKey, recordKey, lockKey, lockMs, eventsTtlMs)
  Appends a `progress` event with the record's counters when the throttle lock is free, then holds the lock for
  lockMs (SET NX PX): at most one progress event per crawl per interval, whoever writes.
]]
--- @include "counts-json"

local function emitProgress(eventsKey, recordKey, lockKey, lockMs, eventsTtlMs)
  if redis.call('SET', lockKey, '1', 'NX', 'PX', lockMs) then
    redis.call('XADD', eventsKey, '*', 'type', 'progress', 'data', countsJson(recordKey))
    redis.call('PEXPIRE', eventsKey, eventsTtlMs)
  end
end
