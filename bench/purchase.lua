-- wrk script: purchases rotating over the bearer tokens in $TOKENS_FILE (one per line),
-- against the sale in $SALE_ID. Every response status is counted and printed at the end.
local tokens = {}
local counter = 0
local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    tokens[#tokens + 1] = line
  end
  counter = math.random(#tokens)
  codes = {}
end

function request()
  counter = counter % #tokens + 1
  return wrk.format("POST", "/api/v1/sales/" .. os.getenv("SALE_ID") .. "/purchases",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[counter] },
    '{"quantity":1}')
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d: %d\n", k, v)) end
  io.write(string.format("p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
