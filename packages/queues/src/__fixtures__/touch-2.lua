--[[
  Test script: writes two keys of one crawl with their TTLs.

  KEYS[1]  a stream of the crawl
  KEYS[2]  a lock of the crawl
  ARGV[1], ARGV[2]  their TTLs (ms)

  Returns: 1.
]]
redis.call('XADD', KEYS[1], '*', 'type', 'touch')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1
