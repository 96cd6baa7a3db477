--[[
  Keeps what the next run needs to fetch a page conditionally and to stand in for it on a `304`: its validators,
  its followable links and its page fields, by URL. Idempotent: a retried job writes the same entry again.

  KEYS[1]  cache:{b}:validators:<id>   hash: url → entry JSON
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  url
  ARGV[3]  entry JSON

  Returns: 1.
]]
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
