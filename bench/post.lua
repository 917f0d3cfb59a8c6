-- wrk script: POST the prepared bodies, each with its reporter's token, in turn.
-- Arguments after `--`: the file of `token<TAB>json` lines, and the path to post to.
local requests = {}
local index = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  local path = args[2]
  for line in io.lines(args[1]) do
    local token, body = line:match("^([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Authorization"] = "Token " .. token,
      ["Content-Type"] = "application/json",
    }, body)
  end
  -- Each thread starts at its own place in the file.
  index = (id or 0) * math.floor(#requests / 2)
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p95": %d, ' ..
    '"max": %d}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency.max))
end
