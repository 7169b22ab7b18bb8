-- Rebuilds one sale's state from the record, unless another instance already did.
-- KEYS: 1 meta · 2 stock · 3 buyers · 4 cancelled · 5 end cap (sale.lua: end and stock) · 6.. idempotency keys of stored orders
-- ARGV: 1 total · 2 limit · 3 starts · 4 ends · 5 price · 6 currency · 7 stock
--       8 buyer count, then user, held pairs · then cancelled count, then order ids
--       · then one value per idempotency key in KEYS[6..] · last: the sale's ledger epoch, just advanced in the record
local epoch = ARGV[#ARGV]
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- Built by another rebuild (one that lost its lock). The record's epoch is now this one's, and orders decided
  -- under the older one will be refused: take this epoch, or every purchase from now on would be.
  local current = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
  if current < tonumber(epoch) then
    redis.call('HSET', KEYS[1], 'epoch', epoch)
  end
  return 0
end
-- The record's end and stock, or an admin's latest change's if lower ('<ends>|<total>', sale.lua; an end alone before
-- 2026-12-07): that change closed or cut the ledger before writing the record, and the record read here may not have
-- it yet. Rebuilt from the record's larger stock, a sale whose stock was being cut sold past the cut, and the change's
-- last step then left 0 in stock with more sold than the stock (G4). Read here, in the step that opens the sale.
local total, stock, ends = ARGV[1], ARGV[7], ARGV[4]
local cap = redis.call('GET', KEYS[5])
if cap then
  local bar = string.find(cap, '|', 1, true)
  local cap_ends = bar and string.sub(cap, 1, bar - 1) or cap
  if tonumber(cap_ends) < tonumber(ends) then
    ends = cap_ends
  end
  local cap_total = bar and tonumber(string.sub(cap, bar + 1)) or nil
  if cap_total and cap_total < tonumber(total) then
    stock = math.max(0, tonumber(stock) - (tonumber(total) - cap_total))
    total = cap_total
  end
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('SET', KEYS[2], stock)
local i = 8
local buyers = tonumber(ARGV[i])
for b = 1, buyers do
  redis.call('HSET', KEYS[3], ARGV[i + 2 * b - 1], ARGV[i + 2 * b])
end
i = i + 2 * buyers + 1
local cancelled = tonumber(ARGV[i])
for c = 1, cancelled do
  redis.call('SADD', KEYS[4], ARGV[i + c])
end
i = i + cancelled + 1
for k = 6, #KEYS do
  redis.call('SET', KEYS[k], ARGV[i + k - 6])
end
-- Meta last: purchases see the sale only when everything else is in place (one script: atomic anyway).
redis.call('HSET', KEYS[1], 'total', total, 'limit', ARGV[2], 'starts', ARGV[3], 'ends', ends,
  'price', ARGV[5], 'currency', ARGV[6], 'epoch', epoch)
return 1
