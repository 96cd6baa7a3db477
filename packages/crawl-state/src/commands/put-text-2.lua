--[[
  Stores a page text for the analyze job and tracks its page key for cleanup.

  KEYS[1]  tmp:{b}:text:<id>:<page>   the text
  KEYS[2]  tmp:{b}:texts:<id>         set of page keys with a stored text
  ARGV[1]  TTL of KEYS[1] (ms)
  ARGV[2]  TTL of KEYS[2] (ms)
  ARGV[3]  page key
  ARGV[4]  text

  Returns: 1.
]]
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
