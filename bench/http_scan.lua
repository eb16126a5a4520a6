-- wrk script for bench/http_load.sh: POST /v1/scan with a distinct post per
-- request (so every request stores a new decision), the key from the
-- environment (EVENHAND_KEY), and, when RATE is set, a fixed-rate schedule:
-- wrk 4 has no wrk2-style -R, so each wrk thread keeps its own timetable of
-- send times (RATE / WRK_THREADS per second, wall clock through LuaJIT's
-- ffi) and delay() holds each request until its slot. Unlike wrk2 there is
-- no correction for coordinated omission: a request sent late because the
-- server stalled is timed from when it was sent (docs/PERFORMANCE.md).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } evenhand_timespec;
  int clock_gettime(int clock, evenhand_timespec *tp);
]]
local ts = ffi.new("evenhand_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 0
local threads = {}
local texts = {
  "claim your prize now, free money waiting",
  "a walk in the park with friends this sunday",
  "i will kill you if you come back",
  "meeting notes: budget review at ten",
}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  key = os.getenv("EVENHAND_KEY")
  local rate = tonumber(os.getenv("RATE") or "0")
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  interval_ms = rate > 0 and (threads * 1000.0 / rate) or 0  -- this thread's share
  next_ms = nil
  headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  local id = string.format("w%d-%d-%d", tid, os.time(), counter)
  local text = texts[(counter % #texts) + 1]
  local body = string.format('{"id":"%s","account":"a%d","text":"%s","region":"PK","lang":"en"}', id, counter % 97, text)
  return wrk.format("POST", "/v1/scan", headers, body)
end

function delay()
  if interval_ms == 0 then return 0 end
  local t = now_ms()
  if next_ms == nil or next_ms < t - 100 then next_ms = t end  -- far behind: no catch-up burst
  next_ms = next_ms + interval_ms
  local d = next_ms - t
  if d <= 0 then return 0 end
  return d
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
  end
end
