--[[
  Which of these URLs are in a crawl's seen-set (were admitted, by any worker). Read-only: one SMISMEMBER, so a
  caller checks a whole chunk of links in one round trip.

  KEYS[1]  tmp:{b}:seen:<id>   seen-set
  ARGV[1]  TTL of KEYS[1] (ms; unused: nothing is written)
  ARGV[2…] normalised URLs

  Returns: one integer per URL, in argument order: 1 seen, 0 not (all 0 when the set is gone).
]]
return redis.call('SMISMEMBER', KEYS[1], unpack(ARGV, 2))
