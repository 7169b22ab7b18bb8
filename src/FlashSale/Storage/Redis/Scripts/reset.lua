-- Reconciliation repair: drops a sale's decision state so it is rebuilt from the record, but only
-- when its outbox holds nothing unrecorded (entries are deleted once persisted).
-- KEYS: 1 meta · 2 stock · 3 buyers · 4 cancelled · 5 outbox
if redis.call('XLEN', KEYS[5]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
