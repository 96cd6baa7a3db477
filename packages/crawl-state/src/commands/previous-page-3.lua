--[[
  What an earlier crawl kept of a page for a conditional re-fetch: its validators entry and, when asked, the data of
  its `analysis` event (read through the analysis index), in one round trip. Reads only; the TTLs are not used.

  KEYS[1]  cache:{b}:validators:<id>       hash: url → entry JSON
  KEYS[2]  result:{b}:analysis-index:<id>  url → stream id of its `analysis` event
  KEYS[3]  result:{b}:events:<id>          result stream
  ARGV[1…3]  TTLs of KEYS[1…3] (unused)
  ARGV[4]  url
  ARGV[5]  1 when the analysis is needed too, 0 when not

  Returns: {} when there is no entry (or the analysis is needed and gone); else { entry JSON } or
  { entry JSON, analysis event data }.
]]
local entry = redis.call('HGET', KEYS[1], ARGV[4])
if not entry then return {} end
if ARGV[5] ~= '1' then return { entry } end
local id = redis.call('HGET', KEYS[2], ARGV[4])
if not id then return {} end
local found = redis.call('XRANGE', KEYS[3], id, id)
if #found == 0 then return {} end
local fields = found[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'data' then return { entry, fields[i + 1] } end
end
return {}
