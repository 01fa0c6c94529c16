-- wrk script of the HTTP load test (scripts/bench-http.sh).
-- Environment: BENCH_WRK_METHOD, BENCH_WRK_PATH, BENCH_WRK_BODY (may hold {brand}), and
-- BENCH_WRK_USERS: a file of "token brand_id" lines. Each request goes out as the next user
-- (the requests are built once, in init), so the load is spread over every signed-in user.
-- Counts responses that are not 2xx and prints one machine-readable RESULT line at the end.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("offset", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local requests = {}
local index = 0
non2xx = 0
first_bad = 0

function init(args)
   local method = os.getenv("BENCH_WRK_METHOD") or "GET"
   local path = os.getenv("BENCH_WRK_PATH") or "/"
   local body = os.getenv("BENCH_WRK_BODY")
   local users = os.getenv("BENCH_WRK_USERS")
   if users and users ~= "" then
      for line in io.lines(users) do
         local token, brand = line:match("^(%S+)%s+(%S+)")
         if token then
            local headers = { ["Authorization"] = "Bearer " .. token }
            local text = nil
            if body and body ~= "" then
               text = body:gsub("{brand}", brand)
               headers["Content-Type"] = "application/json"
            end
            table.insert(requests, wrk.format(method, path, headers, text))
         end
      end
   end
   if #requests == 0 then
      table.insert(requests, wrk.format(method, path))
   end
   index = (offset or 0) * 7 % #requests
end

function request()
   index = index % #requests + 1
   return requests[index]
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == 0 then first_bad = status end
   end
end

function done(summary, latency, requests)
   local bad, status = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non2xx")
      local first = thread:get("first_bad")
      if status == 0 and first ~= 0 then status = first end
   end
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d first_non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      bad, status, e.connect, e.read, e.write, e.timeout))
end
