--[[
  XADD an entry (with an approximate MAXLEN trim when asked) and set the stream's TTL.

  KEYS[1]  the stream
  ARGV[1]  TTL of KEYS[1] in milliseconds
  ARGV[2]  MAXLEN ~ bound, or '' for no trim
  ARGV[3…] field, value, field, value, …

  Returns: the new entry's id.
]]
local id
if ARGV[2] == '' then
  id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return id
