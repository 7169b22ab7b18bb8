-- A changed sale (admin): new terms; stock follows the new total minus what is sold.
-- KEYS: 1 meta · 2 stock · 3 end cap
-- ARGV: 1 total · 2 limit · 3 starts (ms) · 4 ends (ms) · 5 price · 6 currency · 7 end cap lifetime (ms)
--       · 8 '1' for a started sale's stock and end (strict): refused, changing nothing, once the sale has ended by
--         ARGV[9] (now, ms) or when the sold units exceed the new total, and an end no earlier than just after the
--         latest purchase decided here (the state's 'last'); otherwise a total below them leaves 0 in stock;
--         '2' for "end now": the end is ARGV[4] or, if a purchase decided here is timed at or after it (the state's
--         'last', purchase.lua), one millisecond after that purchase, and the start no later than the end
-- Returns {1, 0, ends} taken (ends: the end taken, ms) · {0, 0} no state · {2, sold} refused, more sold than the new
-- total · {3, 0} refused, ended.
-- Every change taken leaves its end and total in the end cap ('<ends>|<total>') for a while: an admin's change reaches
-- the ledger before the record (an early end, a stock cut close and cut here first), and a rebuild from the record in
-- between (this instance's or another's, maybe under way now) ends the sale no later and sells no more than this
-- (rebuild.lua). Overwritten by the next change, so a failed write's put-back (the record's terms again) lifts it.
local strict = ARGV[8] == '1'
local ends = ARGV[4]
local starts = ARGV[3]
local old_total = redis.call('HGET', KEYS[1], 'total')
if not old_total then
  -- A strict change caps nothing yet: the ledger is not cut until its state is rebuilt and it is taken there, and a cap
  -- left by a change then refused closed the ledger at terms the record never took.
  if not strict then
    redis.call('SET', KEYS[3], ARGV[4] .. '|' .. ARGV[1], 'PX', ARGV[7])
  end
  return {0, 0}
end
if strict and tonumber(redis.call('HGET', KEYS[1], 'ends')) <= tonumber(ARGV[9]) then
  return {3, 0}
end
if strict or ARGV[8] == '2' then
  -- An end moved earlier (strict) or to now ('2') is no earlier than just after the latest purchase decided here.
  local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
  if last >= tonumber(ends) then
    ends = tostring(last + 1)
  end
  if tonumber(starts) > tonumber(ends) then
    starts = ends
  end
end
-- The stock key is taken at the decision, so a decided order not yet recorded (in the outbox) counts as sold.
local sold = tonumber(old_total) - tonumber(redis.call('GET', KEYS[2]) or old_total)
local stock = tonumber(ARGV[1]) - sold
if stock < 0 then
  if strict then
    return {2, sold}
  end
  -- Clamped, a later raise counts the sold units from this total: only a sale with nothing sold is given one below.
  stock = 0
end
redis.call('SET', KEYS[3], ends .. '|' .. ARGV[1], 'PX', ARGV[7])
redis.call('SET', KEYS[2], stock)
redis.call('HDEL', KEYS[1], 'withdrawn')
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'limit', ARGV[2], 'starts', starts, 'ends', ends,
  'price', ARGV[5], 'currency', ARGV[6])
return {1, 0, tonumber(ends)}
