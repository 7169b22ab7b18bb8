-- A changed sale (admin): new terms; stock follows the new total minus what is sold.
-- KEYS: 1 meta · 2 stock
-- ARGV: 1 total · 2 limit · 3 starts (ms) · 4 ends (ms) · 5 price · 6 currency
local old_total = redis.call('HGET', KEYS[1], 'total')
if not old_total then
  return 0
end
local sold = tonumber(old_total) - tonumber(redis.call('GET', KEYS[2]) or old_total)
local stock = tonumber(ARGV[1]) - sold
if stock < 0 then stock = 0 end
redis.call('SET', KEYS[2], stock)
redis.call('HDEL', KEYS[1], 'withdrawn')
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'limit', ARGV[2], 'starts', ARGV[3], 'ends', ARGV[4],
  'price', ARGV[5], 'currency', ARGV[6])
return 1
