-- wrk script: replays prepared requests and reports the result as one JSON line.
--   wrk ... -s bench/load.lua URL -- REQUESTS_FILE MODE THREADS [ANSWERS]
-- REQUESTS_FILE holds one request a line: METHOD, a tab, PATH, a tab, BODY (form-encoded, may be
-- empty). Thread n of THREADS takes lines n, n + THREADS, ... MODE "once" uses each line once and
-- then stops the thread (each sign-up or submission is a different person); "cycle" starts over.
-- ANSWERS (optional, 0 for none): a thread ends the whole run once it has had that many answers, or
-- has used up its requests, rather than at the end of the -d window, which is then only a cap.

-- wrk divides by its whole -d window even when every thread stopped early: the span from the first
-- request to the last answer is measured here instead, with the monotonic clock.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
   ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local threads = {}

function setup(thread)
   thread:set("thread_number", #threads)
   table.insert(threads, thread)
end

local requests = {}
local cursor = 0
local once = false
local wanted = 0
local answered_here = 0
statuses = {}
exhausted = 0
first_us = 0
last_us = 0

local function copy(headers)
   local result = {}
   for name, value in pairs(headers) do result[name] = value end
   return result
end

function init(args)
   local path, mode, count = args[1], args[2], tonumber(args[3])
   once = mode == "once"
   wanted = tonumber(args[4] or "0")
   local line_number = 0
   for line in io.lines(path) do
      if line_number % count == thread_number then
         local method, target, body = line:match("^(%u+)\t([^\t]*)\t(.*)$")
         local headers = copy(wrk.headers)
         if body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/x-www-form-urlencoded"
         end
         table.insert(requests, wrk.format(method, target, headers, body))
      end
      line_number = line_number + 1
   end
end

-- wrk's main thread sleeps out the -d window; SIGINT wakes it, and it stops every thread and reports.
local function end_run()
   wrk.thread:stop()
   ffi.C.kill(ffi.C.getpid(), 2)
end

function request()
   if first_us == 0 then first_us = now_us() end
   cursor = cursor + 1
   if cursor > #requests then
      if once then
         exhausted = 1
         if wanted > 0 then end_run() else wrk.thread:stop() end
         return requests[#requests]
      end
      cursor = 1
   end
   return requests[cursor]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   last_us = now_us()
   answered_here = answered_here + 1
   if wanted > 0 and answered_here == wanted then end_run() end
end

function done(summary, latency, requests_rate)
   local counts, stopped, answered, first, last = {}, 0, 0, nil, 0
   for _, thread in ipairs(threads) do
      for status, number in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + number
         answered = answered + number
      end
      stopped = stopped + thread:get("exhausted")
      local started = thread:get("first_us")
      if started > 0 and (first == nil or started < first) then first = started end
      last = math.max(last, thread:get("last_us"))
   end
   local parts = {}
   for status, number in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, number))
   end
   local span = first and math.max(last - first, 1) or summary.duration
   local errors = summary.errors
   io.write(string.format(
      'BENCH-RESULT {"requests": %d, "answered": %d, "span_us": %d, "duration_us": %d, "p50_us": %d, ' ..
      '"p90_us": %d, "p95_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
      '"timeout": %d}, "statuses": {%s}, "exhausted_threads": %d}\n',
      summary.requests, answered, span, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(95), latency:percentile(99), latency.max, latency.mean, errors.connect, errors.read,
      errors.write, errors.timeout, table.concat(parts, ", "), stopped))
end
