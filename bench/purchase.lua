-- wrk script: POST {"quantity":1} purchases, rotating over the bearer tokens in $TOKENS_FILE (one
-- per line; without it no Authorization header is sent).
--
--   SALE_ID       the sale to buy from (required)
--   PATH_PREFIX   put before /api/v1/sales/... (the ceiling's Redis route is /redis/api/v1/...)
--   TOKENS_FILE   bearer tokens, one per line
--   STATUS_CODES  1: count every response status (costs wrk CPU; off for measurements)
--
-- Requests are formatted once in init(), so the per-request cost on wrk's core is a table lookup.
-- done() prints one machine-readable line, "RESULT key=value ...", which bench/run.sh parses:
-- latencies are in microseconds; non2xx counts non-2xx/3xx answers (wrk's errors.status).
local requests = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local sale = os.getenv("SALE_ID") or error("SALE_ID is not set")
  local path = (os.getenv("PATH_PREFIX") or "") .. "/api/v1/sales/" .. sale .. "/purchases"
  local body = '{"quantity":1}'
  local file = os.getenv("TOKENS_FILE")
  if file and file ~= "" then
    for token in io.lines(file) do
      if token ~= "" then
        requests[#requests + 1] = wrk.format("POST", path,
          { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
      end
    end
  end
  if #requests == 0 then
    requests[1] = wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
  end
  counter = math.random(#requests)
  codes = {}
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

if os.getenv("STATUS_CODES") == "1" then
  function response(status, headers, body)
    codes[status] = (codes[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  if os.getenv("STATUS_CODES") == "1" then
    local total = {}
    for _, t in ipairs(threads) do
      for k, v in pairs(t:get("codes")) do total[k] = (total[k] or 0) + v end
    end
    for k, v in pairs(total) do io.write(string.format("status %d: %d\n", k, v)) end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
