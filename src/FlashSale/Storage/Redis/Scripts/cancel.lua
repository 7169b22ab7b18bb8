-- Returns a cancelled order's stock and its buyer's hold, once per order id.
-- KEYS: 1 meta · 2 stock · 3 buyers · 4 cancelled (set of order ids) · 5 cancelling (zset, see measure.lua)
-- ARGV: 1 order id · 2 user id · 3 quantity
redis.call('ZREM', KEYS[5], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- No state: the caller has it rebuilt and runs this again. A rebuild that read the order confirmed holds it (returned
  -- then); one that read it cancelled lists it in KEYS[4] ('already').
  return 'missing'
end
if redis.call('SADD', KEYS[4], ARGV[1]) == 0 then
  return 'already'
end
local qty = tonumber(ARGV[3])
redis.call('INCRBY', KEYS[2], qty)
if redis.call('HINCRBY', KEYS[3], ARGV[2], -qty) <= 0 then
  redis.call('HDEL', KEYS[3], ARGV[2])
end
return 'returned'
