-- Sliding-window counters with leases, one rule after another (RedisRateLimiter; the C# twin of the
-- counting is RateLimiting/SlidingWindow.cs: change both together). One call checks every rule a
-- request falls under, in order, exactly as one call per rule would: each rule it passes counts it,
-- the first that refuses stops it, and the rules after that are not counted.
--
-- A rule that admits the request may count more than the one permit it needs (up to "wanted", never
-- past the limit): the extra permits are leased to the calling instance, which spends them on the
-- same subject's next requests without a round trip and gives back what it did not spend. Leased
-- permits count from the moment they are granted, so every instance together never admits more than
-- the limit.
--
-- KEYS[i]      {rl:<rule>:<subject>}  hash: w = index of the current fixed window, c = its count,
--                                      p = the previous window's count
-- ARGV[5i-4]   rule i's permit limit
-- ARGV[5i-3]   rule i's window in milliseconds
-- ARGV[5i-2]   permits wanted (>= 1: this request's plus a lease); 0: nothing asked, only a give-back
-- ARGV[5i-1]   leased permits given back unspent (0: none)
-- ARGV[5i]     the window index they were counted in
-- Returns {0, 0, granted 1, window index 1, granted 2, ...} when every rule counted the request
-- (granted >= 1, the request's permit included); {i, retry-after ms, granted 1, ...} when rule i
-- refused it, with the grants of the rules before i.
-- Time is the Redis server's, so instances with skewed clocks still share one window. On a Redis
-- Cluster the keys of one call must share a slot, so RedisRateLimiter sends one rule per call there.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- The key's counts as of now (windows rolled), and whether it exists.
local function load(key, window)
  local index = math.floor(now / window)
  local state = redis.call('HMGET', key, 'w', 'c', 'p')
  local w = tonumber(state[1]) or index
  local c = tonumber(state[2]) or 0
  local p = tonumber(state[3]) or 0
  if index > w then
    if index == w + 1 then p = c else p = 0 end
    c = 0
    w = index
  end
  return w, c, p, state[1] ~= false
end

-- Returns refusal wait (0 when counted), permits granted, window index.
local function acquire(key, limit, window, wanted, back, back_at)
  local w, c, p, exists = load(key, window)
  if back > 0 and exists then
    -- Unspent permits stop counting, in whichever of the two windows that still matter holds them.
    if back_at == w then c = math.max(0, c - back) elseif back_at == w - 1 then p = math.max(0, p - back) end
    redis.call('HSET', key, 'w', w, 'c', c, 'p', p)
  end
  if wanted == 0 then
    return 0, 0, w
  end

  local elapsed = (now - w * window) / window
  if elapsed < 0 then elapsed = 0 elseif elapsed > 1 then elapsed = 1 end
  local estimate = p * (1 - elapsed) + c
  if estimate + 1 <= limit then
    local granted = math.min(wanted, math.floor(limit - estimate))
    c = c + granted
    redis.call('HSET', key, 'w', w, 'c', c, 'p', p)
    -- Two windows on, neither count matters any more.
    redis.call('PEXPIRE', key, 2 * window)
    return 0, granted, w
  end

  local wait
  if c + 1 <= limit and p > 0 then
    wait = ((1 - (limit - c - 1) / p) - elapsed) * window
  else
    local needed = 0
    if c > 0 then needed = 1 - (limit - 1) / c end
    if needed < 0 then needed = 0 end
    wait = ((1 - elapsed) + needed) * window
  end
  wait = math.ceil(wait)
  if wait < 1 then wait = 1 end
  return wait, 0, w
end

local reply = {0, 0}
for i = 1, #KEYS do
  local a = 5 * (i - 1)
  local wait, granted, w = acquire(KEYS[i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]),
    tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]))
  if wait > 0 then
    reply[1] = i
    reply[2] = wait
    return reply
  end
  reply[#reply + 1] = granted
  reply[#reply + 1] = w
end
return reply
