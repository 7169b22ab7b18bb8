-- Sliding-window counter for one rule and subject (RedisRateLimiter; the C# twin is
-- RateLimiting/SlidingWindow.cs: change both together).
-- KEYS[1]  {rl:<rule>:<subject>}  hash: w = index of the current fixed window, c = its count,
--                                  p = the previous window's count
-- ARGV[1]  permit limit
-- ARGV[2]  window in milliseconds
-- Returns {1, 0} when the request is counted, {0, retry-after ms} when refused.
-- Time is the Redis server's, so instances with skewed clocks still share one window.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local index = math.floor(now / window)

local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
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
  redis.call('HSET', KEYS[1], 'w', w, 'c', c, 'p', p)
  -- Two windows on, neither count matters any more.
  redis.call('PEXPIRE', KEYS[1], 2 * window)
  return {1, 0}
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
return {0, wait}
