-- What a keyed attempt's Idempotency-Key holds, read while the record is marked down and nothing new may be decided
-- (RedisLedger.RecordDown.cs): purchase.lua's steps before its window, in its order, on the same keys, writing nothing.
-- KEYS: 1 meta (hash) · 2 idempotency key (string)
-- ARGV: 1 quantity
-- Replies as purchase.lua does ('missing', 'withdrawn', 'quantity', 'replay'), or 'none': the key holds no decision.
local meta = redis.call('HMGET', KEYS[1], 'total', 'limit', 'withdrawn')
if not meta[1] then
  -- No state: the key's decision, if any, is in the record only (a retired or lost state).
  return {'missing'}
end
if meta[3] then
  return {'withdrawn'}
end
local qty = tonumber(ARGV[1])
if qty < 1 or qty > tonumber(meta[2]) then
  return {'quantity', meta[2]}
end
local prior = redis.call('GET', KEYS[2])
if prior then
  return {'replay', prior}
end
return {'none'}
