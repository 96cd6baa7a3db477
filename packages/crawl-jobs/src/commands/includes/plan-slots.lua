--[[
  planSlots(stateKey, crawlsKey, crawlId, count, hostDelay, crawlDelay, hostConcurrency, crawlConcurrency, horizon, slack,
            now)
  Reserves `count` request starts of one crawl on one host and returns them as offsets from `now` (ms), so the
  crawl's jobs are added delayed until their host can take them instead of being picked up and refused.

  Starts of one crawl are `spacing` apart from the crawl's own tail: the host's pace (the larger of its delay and
  the observed time a request holds its slot over its concurrency) times the number of crawls planning on the host
  (each gets its share, none waits for another to finish), and never faster than the crawl's own politeness.
  Nothing is planned before the host's back-off ends or its delay since the last start has passed. A start beyond
  `horizon` is not reserved: that job comes back at the horizon and plans again.

  A delay, and a slot's hold, is planned `slack` ms longer than the limiter grants it: a job reaches its acquire a
  little after its planned time, and its grant counts from then, so starts planned exactly a delay (or a hold) apart
  would each come earlier than their host can take them and wait for a second acquire.
]]
local function planSlots(stateKey, crawlsKey, crawlId, count, hostDelay, crawlDelay, hostConcurrency,
                         crawlConcurrency, horizon, slack, now)
  -- Crawls whose tail has passed have nothing planned: they no longer share the host.
  redis.call('ZREMRANGEBYSCORE', crawlsKey, '-inf', now)
  local state = redis.call('HMGET', stateKey, 'last', 'backoff', 'delay', 'holdMs')
  hostDelay = math.max(hostDelay, tonumber(state[3]) or 0)
  if hostDelay > 0 then hostDelay = hostDelay + slack end
  if crawlDelay > 0 then crawlDelay = crawlDelay + slack end
  local holdMs = tonumber(state[4]) or 0
  if holdMs > 0 then holdMs = holdMs + slack end
  local tail = tonumber(redis.call('ZSCORE', crawlsKey, crawlId)) or 0
  local sharing = redis.call('ZCARD', crawlsKey)
  if tail == 0 then sharing = sharing + 1 end
  local spacing = math.max(math.max(hostDelay, holdMs / hostConcurrency) * sharing, crawlDelay,
    holdMs / crawlConcurrency)
  local start = math.max(now, tail, tonumber(state[2]) or 0, (tonumber(state[1]) or 0) + hostDelay)
  local offsets = {}
  for i = 1, count do
    if start - now > horizon then
      offsets[i] = horizon
    else
      offsets[i] = math.floor(start - now)
      start = start + spacing
    end
  end
  if start > now then redis.call('ZADD', crawlsKey, start, crawlId) end
  return offsets
end
