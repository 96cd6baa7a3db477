--[[
  appendEvent(eventsKey, recordKey, indexKey, lockKey, eventsTtl, recordTtl, indexTtl, lockMs, url, eventType, data,
    counter, counter2)
  Appends a `page` or `analysis` event, indexes it by URL, counts it (counter, and counter2 unless nil or ''), and
  emits a throttled `progress` event. Idempotent per URL and type: a retried job gets the id of the first append
  back and counts nothing twice. Returns the stream id of the event, or -1 when the crawl's record is gone.
]]
--- @include "emit-progress"

local function appendEvent(eventsKey, recordKey, indexKey, lockKey, eventsTtl, recordTtl, indexTtl, lockMs, url,
    eventType, data, counter, counter2)
  if redis.call('EXISTS', recordKey) == 0 then return -1 end
  local existing = redis.call('HGET', indexKey, url)
  if existing then return existing end
  local id = redis.call('XADD', eventsKey, '*', 'type', eventType, 'data', data)
  redis.call('HSET', indexKey, url, id)
  redis.call('HINCRBY', recordKey, counter, 1)
  if counter2 and counter2 ~= '' then redis.call('HINCRBY', recordKey, counter2, 1) end
  redis.call('PEXPIRE', eventsKey, eventsTtl)
  redis.call('PEXPIRE', recordKey, recordTtl)
  redis.call('PEXPIRE', indexKey, indexTtl)
  emitProgress(eventsKey, recordKey, lockKey, lockMs, eventsTtl)
  return id
end
