-- wrk script for bench/bench_load.py: logged-in employees alternating the home page and their record list,
-- each connection pacing itself so that the whole run offers about RATE requests a second.
local cookies = {}
local counter = 0
local interval_ms = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    if #line > 0 then table.insert(cookies, line) end
  end
  -- every connection waits this long on average between its requests
  interval_ms = tonumber(os.getenv("BENCH_INTERVAL_MS"))
  math.randomseed(os.time() + tonumber(tostring(cookies):sub(-6), 16))
end

function request()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  local path = "/"
  if counter % 2 == 0 then path = "/records/external_training/" end
  return wrk.format("GET", path, { ["Cookie"] = "sessionid=" .. cookie })
end

function delay()
  return math.random(0, 2 * interval_ms)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %.1f %.1f %.1f\n", summary.requests, errors, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
