-- wrk script for bench/bench_courses.py: simulated learners sending their lesson's study report ("tick"),
-- round robin over BENCH_LEARNERS lines "sessionid lesson_id token", paced so that the run offers about the
-- requested rate. With BENCH_PATH set, logged-in GETs of that page instead (the home page, for comparison).
local learners = {}
local counter = 0
local interval_ms = 0
local csrf = "benchcsrfbenchcsrfbenchcsrfbench"
local path = nil

function init(args)
  for line in io.lines(os.getenv("BENCH_LEARNERS")) do
    local session, lesson, token = line:match("(%S+) (%S+) (%S+)")
    if session then table.insert(learners, { session = session, lesson = lesson, token = token }) end
  end
  interval_ms = tonumber(os.getenv("BENCH_INTERVAL_MS"))
  path = os.getenv("BENCH_PATH")
  if path == "" then path = nil end
  math.randomseed(os.time() + tonumber(tostring(learners):sub(-6), 16))
  counter = math.random(1, #learners)
end

function request()
  counter = counter + 1
  local l = learners[(counter % #learners) + 1]
  if path then
    return wrk.format("GET", path, { ["Cookie"] = "sessionid=" .. l.session })
  end
  local headers = {
    ["Cookie"] = "sessionid=" .. l.session .. "; csrftoken=" .. csrf,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  local body = "event=tick&position=" .. (counter % 600) .. "&token=" .. l.token
  return wrk.format("POST", "/courses/lessons/" .. l.lesson .. "/report/", headers, body)
end

function delay()
  if interval_ms == 0 then return 0 end
  return math.random(0, 2 * interval_ms)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %.1f %.1f %.1f\n", summary.requests, errors, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
