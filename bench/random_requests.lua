-- wrk script: each request is drawn at random from a file of requests
-- (one per line: METHOD<TAB>PATH<TAB>BODY), so load spreads over many real
-- keys. With a rate (requests/s, whole run), requests are paced on a shared
-- schedule instead of sent back to back. Prints one JSON line at the end.
-- Arguments after "--": requests file, rate (0 = as fast as possible),
-- number of wrk threads (each paces its share of the rate).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local now_spec = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_spec)
  return tonumber(now_spec.tv_sec) * 1000 + tonumber(now_spec.tv_nsec) / 1e6
end

local requests = {}
local interval_ms = 0
local next_slot_ms = 0
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {}
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  local rate = tonumber(args[2] or "0")
  if rate > 0 then
    interval_ms = 1000 * tonumber(args[3] or "1") / rate
  end
  math.randomseed(4242 + (thread_number or 0))
end

function request()
  return requests[math.random(#requests)]
end

function delay()
  if interval_ms == 0 then
    return 0
  end
  local now = now_ms()
  if next_slot_ms < now then
    next_slot_ms = now
  end
  local wait = next_slot_ms - now
  next_slot_ms = next_slot_ms + interval_ms
  return wait
end

function done(summary, latency, requests_stats)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%f}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
