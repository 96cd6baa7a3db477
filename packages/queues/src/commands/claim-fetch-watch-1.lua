--[[
  Claims the watch over a queue's delayed jobs: the one worker (of every process) that waits for the next delayed
  job, while the others stay asleep instead of waking for a job one of them will take (see fetch-watch.ts). A claim
  holds for a while and is then left to the others: a holder whose claim ran out gets the watch again only after
  `grace`, so a worker that has been waiting for the end of the claim takes over first.

  KEYS[1]  lock:fetch-watch:<queue>  STRING  "<worker id>|<end of the claim, ms>"
  ARGV[1]  TTL of KEYS[1] in ms (the claim plus the grace)
  ARGV[2]  worker id
  ARGV[3]  claim in ms
  ARGV[4]  grace in ms

  Returns: { 1, ms } the caller holds the watch for `ms` more; { 0, ms } another worker holds it for `ms` more;
  { 2, ms } nobody holds it, but the caller did until just now: it waits without the watch for now.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if current then
  local separator = string.find(current, '|', 1, true)
  local holder = string.sub(current, 1, separator - 1)
  local ends = tonumber(string.sub(current, separator + 1))
  if now < ends then
    if holder == ARGV[2] then return { 1, ends - now } end
    return { 0, ends - now }
  end
  if holder == ARGV[2] and now < ends + tonumber(ARGV[4]) then return { 2, ends + tonumber(ARGV[4]) - now } end
end
local claim = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. (now + claim), 'PX', ARGV[1])
return { 1, claim }
