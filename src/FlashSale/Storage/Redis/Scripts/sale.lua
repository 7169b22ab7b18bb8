-- A changed sale (admin): new terms; stock follows the new total minus what is sold.
-- KEYS: 1 meta · 2 stock · 3 end cap
-- ARGV: 1 total · 2 limit · 3 starts (ms) · 4 ends (ms) · 5 price · 6 currency · 7 end cap lifetime (ms)
--       · 8 '1': refuse a total below what is sold (a started sale's stock change) instead of leaving 0 in stock
-- Returns 1 taken, 0 no state, or (with ARGV[8]) -1 - sold when the sold units exceed the new total: nothing changed.
-- Every change leaves its end in the end cap for a while, the state missing or not: an admin's change reaches the
-- ledger before the record (an early end closes here first), and a rebuild from the record in between (this
-- instance's or another's, maybe under way now) ends the sale no later than this (rebuild.lua). Overwritten by the
-- next change, so a failed write's put-back (the record's end again) lifts it.
local old_total = redis.call('HGET', KEYS[1], 'total')
if not old_total then
  redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[7])
  return 0
end
-- The stock key is taken at the decision, so a decided order not yet recorded (in the outbox) counts as sold.
local sold = tonumber(old_total) - tonumber(redis.call('GET', KEYS[2]) or old_total)
local stock = tonumber(ARGV[1]) - sold
if stock < 0 then
  if ARGV[8] == '1' then
    return -1 - sold
  end
  -- Clamped, a later raise counts the sold units from this total: only a sale with nothing sold is given one below.
  stock = 0
end
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[7])
redis.call('SET', KEYS[2], stock)
redis.call('HDEL', KEYS[1], 'withdrawn')
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'limit', ARGV[2], 'starts', ARGV[3], 'ends', ARGV[4],
  'price', ARGV[5], 'currency', ARGV[6])
return 1
