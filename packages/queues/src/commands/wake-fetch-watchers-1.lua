--[[
  Wakes one worker that sleeps while another holds the watch over the queue's delayed jobs (its `BLPOP` on this
  list), because there is more work than one worker takes on its own. At most one element waits in the list: a
  wake-up nobody was asleep for is one spare wake, never a backlog.

  KEYS[1]  lock:fetch-wake:<queue>  LIST  at most one "1"
  ARGV[1]  TTL of KEYS[1] in ms

  Returns: 1 when an element was pushed, 0 when one was waiting already.
]]
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('RPUSH', KEYS[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
