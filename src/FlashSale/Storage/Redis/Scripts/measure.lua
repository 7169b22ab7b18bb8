-- Reconciliation: one consistent reading of a sale's ledger state.
-- KEYS: 1 meta · 2 stock · 3 outbox · 4 cancelling (zset: order id -> expiry, unix ms)
-- ARGV: 1 server time (unix ms)
-- Returns {total, stock, unrecorded outbox entries, cancels in flight}; -1 for missing state.
local total = redis.call('HGET', KEYS[1], 'total') or '-1'
local stock = redis.call('GET', KEYS[2]) or '-1'
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])
return {tonumber(total), tonumber(stock), redis.call('XLEN', KEYS[3]), redis.call('ZCARD', KEYS[4])}
