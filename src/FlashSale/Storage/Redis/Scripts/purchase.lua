-- One purchase attempt, decided atomically on one sale's keys (all in the hash tag {sale:<id>}).
-- KEYS: 1 meta (hash) · 2 stock · 3 buyers (hash user -> held) · 4 idempotency key (string) · 5 outbox (stream)
-- ARGV: 1 user id · 2 username · 3 quantity · 4 server time (unix ms) · 5 new order id · 6 has key (1/0)
--       7 decision ttl (s) · 8 idempotency key text (or empty) · 9 expected price (or empty) · 10 expected currency
--       (or empty)
-- Order: quantity range -> idempotency key -> window -> price -> user limit -> stock -> reserve + outbox entry,
-- the same rules as the embedded SaleBook. Every reply is an array of strings, the first the verdict.
local meta = redis.call('HMGET', KEYS[1], 'total', 'limit', 'starts', 'ends', 'price', 'currency', 'withdrawn', 'epoch', 'last')
if not meta[1] then
  return {'missing'}
end
if meta[7] then
  -- Being deleted (withdraw.lua): as if it did not exist.
  return {'withdrawn'}
end
local limit = tonumber(meta[2])
local qty = tonumber(ARGV[3])
if qty < 1 or qty > limit then
  return {'quantity', meta[2]}
end

local has_key = ARGV[6] == '1'
if has_key then
  -- A retry answers as the first attempt did, even after the sale closed.
  local prior = redis.call('GET', KEYS[4])
  if prior then
    return {'replay', prior}
  end
end

local now = tonumber(ARGV[4])
if now < tonumber(meta[3]) then
  -- The end too: a window held shut while the shop changes the sale (starts = ends) is told apart (RedisLedger.cs).
  return {'not_started', meta[3], meta[4]}
end
if now >= tonumber(meta[4]) then
  return {'ended', meta[4]}
end

-- The price the buyer was shown, if sent: a sale's price may change until its first order. Compared as numbers (both
-- written by LedgerValues.Price); never remembered for the key, so a retry shown the new price may buy.
local expected_price = ARGV[9] or ''
local expected_currency = ARGV[10] or ''
if (expected_price ~= '' and tonumber(expected_price) ~= tonumber(meta[5]))
    or (expected_currency ~= '' and expected_currency ~= meta[6]) then
  return {'price_changed', meta[5], meta[6]}
end

local ttl = tonumber(ARGV[7])
local held = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if held + qty > limit then
  if has_key then
    redis.call('SET', KEYS[4], 'R|' .. qty .. '|limit_reached|' .. held .. '|' .. limit, 'EX', ttl)
  end
  return {'limit_reached', tostring(held), meta[2]}
end

local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
if stock < qty then
  if has_key then
    redis.call('SET', KEYS[4], 'R|' .. qty .. '|sold_out|' .. stock .. '|', 'EX', ttl)
  end
  return {'sold_out', tostring(stock), meta[2], meta[4]}
end

local remaining = redis.call('DECRBY', KEYS[2], qty)
redis.call('HINCRBY', KEYS[3], ARGV[1], qty)
-- The latest purchase's time: "end now" (sale.lua) ends no earlier than just after it. Instances' clocks differ a
-- little and a decision is sent after its clock is read, so purchases need not arrive in time order.
if now > tonumber(meta[9] or '0') then
  redis.call('HSET', KEYS[1], 'last', ARGV[4])
end
local limit_one = '0'
if limit == 1 then limit_one = '1' end

-- The outbox entry is one field, e = epoch|order|qty|time|remaining|price|currency|limit-one|bytes of the user
-- id|bytes of the username|user id, username and idempotency key run together (OutboxEntry.cs): ten fields
-- cost Redis ten name/value pairs to append, log to the AOF and send to the persister, and the persister ten
-- strings to read back. The three free texts come last, measured, so none needs escaping: a user id is the
-- token's subject, and an external provider's may hold a '|' (Auth0's "auth0|..."). The epoch first: the sale's
-- ledger epoch this state was rebuilt under (0 for a state older than it), which the persister checks against
-- the record's, so an order decided by a state since lost and rebuilt is never recorded beside the rebuilt one's.
local key_text = ARGV[8] or ''
local entry = redis.call('XADD', KEYS[5], '*', 'e',
  (meta[8] or '0') .. '|' .. ARGV[5] .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. remaining .. '|' .. meta[5] .. '|' .. meta[6]
  .. '|' .. limit_one .. '|' .. #ARGV[1] .. '|' .. #ARGV[2] .. '|' .. ARGV[1] .. ARGV[2] .. key_text)
if has_key then
  redis.call('SET', KEYS[4], 'O|' .. qty .. '|' .. ARGV[5] .. '|' .. ARGV[4] .. '|' .. remaining .. '|' .. meta[5] .. '|' .. meta[6])
end
-- The entry's id last: a purchase answered 202 pending first checks its entry is still there (PendingReplication).
return {'ok', tostring(remaining), meta[5], meta[6], limit_one, entry}
