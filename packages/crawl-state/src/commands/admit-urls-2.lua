--[[
  Admits URLs into a crawl: each URL not yet in the seen-set is added while counts.discovered stays within the
  page budget. Atomic across every worker, so a URL is admitted once and the budget is never exceeded.
  A cancelled crawl admits nothing.

  KEYS[1]  tmp:{b}:seen:<id>       seen-set
  KEYS[2]  result:{b}:crawl:<id>   record (counts.discovered, cancel flag)
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  TTL of KEYS[2] (ms)
  ARGV[3]  maxPages
  ARGV[4…] normalised URLs, in discovery order

  Returns: the admitted URLs in argument order, or -1 no such crawl.
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('HGET', KEYS[2], 'cancel') == '1' then return {} end
local discovered = tonumber(redis.call('HGET', KEYS[2], 'discovered') or '0') or 0
local budget = tonumber(ARGV[3])
local admitted = {}
for i = 4, #ARGV do
  if discovered >= budget then break end
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    discovered = discovered + 1
    admitted[#admitted + 1] = ARGV[i]
  end
end
if #admitted > 0 then
  redis.call('HSET', KEYS[2], 'discovered', discovered)
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return admitted
