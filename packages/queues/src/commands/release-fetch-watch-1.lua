--[[
  Gives the watch over a queue's delayed jobs back (its worker closes or pauses), so that the next claim succeeds
  at once.

  KEYS[1]  lock:fetch-watch:<queue>  STRING  "<worker id>|<end of the claim, ms>"
  ARGV[1]  TTL of KEYS[1] in ms (unused: nothing is written)
  ARGV[2]  worker id

  Returns: 1 when the caller held the watch, else 0.
]]
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, #ARGV[2] + 1) == ARGV[2] .. '|' then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
