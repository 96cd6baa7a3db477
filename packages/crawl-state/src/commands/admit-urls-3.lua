--[[
  Admits URLs into a crawl: each URL not yet in the seen-set is added while counts.discovered stays within the
  page budget. Atomic across every worker, so a URL is admitted once and the budget is never exceeded.
  A URL the budget turns away (not in the seen-set once counts.discovered reached maxPages) goes to the dropped-set
  instead, and the record's `dropped` counter counts each such URL once, however many pages link to it. Dropped URLs
  never enter the seen-set: crash recovery reads "in the seen-set" as "admitted". The budget only fills, so a
  dropped URL is never admitted later. A cancelled crawl admits nothing and drops nothing.

  KEYS[1]  tmp:{b}:seen:<id>       seen-set
  KEYS[2]  tmp:{b}:dropped:<id>    dropped-set
  KEYS[3]  result:{b}:crawl:<id>   record (counts.discovered, counts.dropped, cancel flag)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  TTL of KEYS[2] (ms)
  ARGV[3]  TTL of KEYS[3] (ms)
  ARGV[4]  maxPages
  ARGV[5…] normalised URLs, in discovery order

  Returns: the admitted URLs in argument order, or -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('HGET', KEYS[3], 'cancel') == '1' then return {} end
local discovered = tonumber(redis.call('HGET', KEYS[3], 'discovered') or '0') or 0
local budget = tonumber(ARGV[4])
local admitted = {}
local dropped = 0
for i = 5, #ARGV do
  if discovered < budget then
    if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
      discovered = discovered + 1
      admitted[#admitted + 1] = ARGV[i]
    end
  elseif redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 and redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    dropped = dropped + 1
  end
end
if #admitted > 0 then
  redis.call('HSET', KEYS[3], 'discovered', discovered)
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
if dropped > 0 then
  redis.call('HINCRBY', KEYS[3], 'dropped', dropped)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
if #admitted > 0 or dropped > 0 then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
return admitted
