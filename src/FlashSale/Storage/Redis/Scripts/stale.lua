-- A keyed rejection the record contradicts or could not check (RedisLedger.Failover.cs), on one sale's keys.
-- KEYS: 1 idempotency key · 2 meta · 3 stock · 4 buyers · 5 cancelled
-- ARGV: 1 the recorded order's key value, or empty: only let the rejection go
-- Only while the key still holds a rejection ('R|', as purchase.lua remembers one): a rebuild since wrote the order's
-- value ('O|'), and its state is the record's.
-- One script, not a MULTI with WATCH: that (StackExchange.Redis's transaction conditions) broke the connection under
-- the failover test's concurrent purchases (ProtocolFailure), failing every purchase on it.
local held = redis.call('GET', KEYS[1])
if not held or string.sub(held, 1, 2) ~= 'R|' then
  return 0
end
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
-- The state that answered is stale: the key gets its order, and the state goes as the persister's fence drops one.
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
