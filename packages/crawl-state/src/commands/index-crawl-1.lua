--[[
  Adds a crawl to its owner's index, and keeps the index alive at least as long as the crawl's record.

  KEYS[1]  result:owner-crawls:<owner>   sorted set, every score 0: `<createdAt ms, 15 digits>:<crawl id>`
  ARGV[1]  TTL of KEYS[1] (ms): the crawl record's TTL
  ARGV[2]  the member to add, or '' to renew the TTL only (when a crawl settles, its record's TTL starts again)

  Returns: 1 added, 0 already there (or a renewal).
]]
local added = 0
if ARGV[2] ~= '' then added = redis.call('ZADD', KEYS[1], 0, ARGV[2]) end
-- Never shortened: an older crawl of the same owner may have longer to live than this one.
local ttl = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return added
