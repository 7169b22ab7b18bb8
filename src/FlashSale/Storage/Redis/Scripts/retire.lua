-- Retires an ended sale's decision state (SaleRetirement), atomically with its purchase decisions: only when the sale
-- ended long enough ago, every decided order is in the record (outbox empty), no cancel is between its record update
-- and its ledger step, and no rebuild holds the lock. From then on purchase.lua answers 'missing', and the caller
-- answers from the record: an ended sale's missing state is never rebuilt (SaleStateBuilder.EnsureAsync).
-- KEYS: 1 meta · 2 stock · 3 buyers · 4 cancelled · 5 outbox (and its group) · 6 cancelling · 7 rebuild lock
-- ARGV: 1 retire what ended at or before this (unix ms: now - RetireAfter) · 2 now (unix ms: cancels past it are stale)
-- Returns {verdict, keys deleted}: retired | missing (no meta: retired before, or lost; the rest cleared the same way)
-- | open | unrecorded | cancelling | rebuilding. :refused (operator evidence), :endcap (expires by itself) and idempotency keys stay: the
-- caller deletes the keys, listed from the record.
local ends = redis.call('HGET', KEYS[1], 'ends')
if ends and tonumber(ends) > tonumber(ARGV[1]) then
  return {'open', 0}
end
if redis.call('XLEN', KEYS[5]) > 0 then
  return {'unrecorded', 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[6]) > 0 then
  return {'cancelling', 0}
end
if redis.call('EXISTS', KEYS[7]) == 1 then
  return {'rebuilding', 0}
end
-- No meta: retired before (a sweep that stopped before the registry), or lost; the caller has the record's word that
-- the sale ended, so nothing rebuilds it, and whatever is left of it goes too.
local verdict = 'retired'
if not ends then
  verdict = 'missing'
end
return {verdict, redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])}
