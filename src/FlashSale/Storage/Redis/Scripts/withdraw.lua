-- Takes a sale out of trading before its record is deleted, atomically with its purchase decisions:
-- only when nothing of it is sold or waiting in the outbox (ARGV[1] = '1' forces it: development reset).
-- From then on purchase.lua answers 'withdrawn'; sale.lua (the sale changed or put back) clears it.
-- KEYS: 1 meta · 2 stock · 3 outbox
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'missing'
end
if ARGV[1] ~= '1' then
  local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
  local stock = tonumber(redis.call('GET', KEYS[2]) or '-1')
  if stock ~= total or redis.call('XLEN', KEYS[3]) > 0 then
    return 'busy'
  end
end
redis.call('HSET', KEYS[1], 'withdrawn', '1')
return 'withdrawn'
