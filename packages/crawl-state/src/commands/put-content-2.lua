--[[
  Keeps a page's stored content (a crawl with `store`): its visible text and/or its outgoing links, by URL.
  Idempotent: a retried job writes the same values again.

  KEYS[1]  result:{b}:page-texts:<id>   hash: url → visible text
  KEYS[2]  result:{b}:page-links:<id>   hash: url → outgoing links, one per line
  ARGV[1…2]  TTLs of KEYS[1…2] (ms)
  ARGV[3]  url
  ARGV[4]  1 to keep the text, 0 not to
  ARGV[5]  text
  ARGV[6]  1 to keep the links, 0 not to
  ARGV[7]  links, one per line (empty: the page has none)

  Returns: 1.
]]
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
