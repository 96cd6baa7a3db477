--[[
  Adds members to a set and returns the ones that were not there yet, then sets the set's TTL.

  KEYS[1]  the set
  ARGV[1]  TTL of KEYS[1] in milliseconds
  ARGV[2…] members to add

  Returns: the newly added members, in argument order.
]]
local added = {}
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    added[#added + 1] = ARGV[i]
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return added
