--[[
  Takes a page text: returns it and deletes it, and forgets its page key.

  KEYS[1]  tmp:{b}:text:<id>:<page>
  KEYS[2]  tmp:{b}:texts:<id>
  ARGV[1]  TTL of KEYS[1] (ms; unused: the key is deleted)
  ARGV[2]  TTL of KEYS[2] (ms)
  ARGV[3]  page key

  Returns: the text, or nil when there is none (already taken or expired).
]]
--- @include "drop-text"

local text = redis.call('GET', KEYS[1])
dropText(KEYS[1], KEYS[2], ARGV[2], ARGV[3])
return text
