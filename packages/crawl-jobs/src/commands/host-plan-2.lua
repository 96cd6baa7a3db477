--[[
  Plans the start times of a crawl's newly admitted requests to one host (see includes/plan-slots.lua). Called once
  per host per batch of links; the jobs are then added with these delays.

  KEYS[1]  ratelimit:{h:<host>}:state   HASH  last (latest granted start), backoff, delay (learned), holdMs
  KEYS[2]  ratelimit:{h:<host>}:crawls  ZSET  crawl id -> end of its planned starts (ms)
  ARGV[1]  TTL of KEYS[1] in ms (unused: planning writes no state)
  ARGV[2]  TTL of KEYS[2] in ms
  ARGV[3]  crawl id
  ARGV[4]  number of starts to plan (>= 1)
  ARGV[5]  spacing between starts on the host, in ms (`hostSpacingMs` of the deployment's delay)
  ARGV[6]  spacing between the crawl's own starts on the host, in ms (`hostSpacingMs` of its delay; 0: none)
  ARGV[7]  the deployment's requests in flight per host
  ARGV[8]  the crawl's own requests in flight per host
  ARGV[9]  planning horizon in ms
  ARGV[10] slack added to a delay, in ms (`PLAN_SLACK_MS`)

  Returns: the planned starts, as offsets from now in ms, in argument order.
]]
--- @include "plan-slots"

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local offsets = planSlots(KEYS[1], KEYS[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]),
  tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), now)
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return offsets
