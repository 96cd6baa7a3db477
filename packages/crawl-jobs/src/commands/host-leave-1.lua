--[[
  Takes a crawl out of a host's schedule (it was cancelled): the other crawls planning on the host stop sharing it
  with the cancelled one's planned starts.

  KEYS[1]  ratelimit:{h:<host>}:crawls  ZSET  crawl id -> end of its planned starts (ms)
  ARGV[1]  TTL of KEYS[1] in ms (unused: nothing is added)
  ARGV[2]  crawl id

  Returns: 1 when the crawl had starts planned on the host, else 0.
]]
return redis.call('ZREM', KEYS[1], ARGV[2])
