-- Sliding-window counters, one rule after another (RedisRateLimiter; the C# twin is
-- RateLimiting/SlidingWindow.cs: change both together). One call checks every rule a request
-- falls under, in order, exactly as one call per rule would: each rule it passes counts it, the
-- first that refuses stops it, and the rules after that are not counted.
-- KEYS[i]      {rl:<rule>:<subject>}  hash: w = index of the current fixed window, c = its count,
--                                      p = the previous window's count
-- ARGV[2i-1]   rule i's permit limit
-- ARGV[2i]     rule i's window in milliseconds
-- Returns {0, 0} when every rule counted the request, {i, retry-after ms} when rule i refused it.
-- Time is the Redis server's, so instances with skewed clocks still share one window. On a Redis
-- Cluster the keys of one call must share a slot, so RedisRateLimiter sends one rule per call there.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- 0 when the rule counts the request, else the milliseconds until a retry can pass.
local function acquire(key, limit, window)
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

  local elapsed = (now - w * window) / window
  if elapsed < 0 then elapsed = 0 elseif elapsed > 1 then elapsed = 1 end
  local estimate = p * (1 - elapsed) + c
  if estimate + 1 <= limit then
    c = c + 1
    redis.call('HSET', key, 'w', w, 'c', c, 'p', p)
    -- Two windows on, neither count matters any more.
    redis.call('PEXPIRE', key, 2 * window)
    return 0
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
  return wait
end

for i = 1, #KEYS do
  local wait = acquire(KEYS[i], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i]))
  if wait > 0 then
    return {i, wait}
  end
end
return {0, 0}
