--[[
  dropText(textKey, textsKey, textsTtl, pageKey)
  Deletes a page text and forgets its page key in the crawl's texts set (whose TTL is renewed while it has members).
]]
local function dropText(textKey, textsKey, textsTtl, pageKey)
  redis.call('DEL', textKey)
  if redis.call('SREM', textsKey, pageKey) == 1 and redis.call('EXISTS', textsKey) == 1 then
    redis.call('PEXPIRE', textsKey, textsTtl)
  end
end
