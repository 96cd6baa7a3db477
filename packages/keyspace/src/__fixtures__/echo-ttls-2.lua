--[[
  Test script: writes both keys with their TTLs and echoes KEYS and ARGV.

  KEYS[1], KEYS[2]  any two keys with one tag
  ARGV[1], ARGV[2]  their TTLs (ms)
  ARGV[3…]          anything

  Returns: KEYS followed by ARGV.
]]
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
local out = {}
for i = 1, #KEYS do out[#out + 1] = KEYS[i] end
for i = 1, #ARGV do out[#out + 1] = ARGV[i] end
return out
