-- Stage a batch of requests in their lanes, each unless the queue is full (the plain stream
-- and the lanes count together). KEYS: the plain requests stream. ARGV: key base, capacity,
-- ttl ms, then seven per request: invocation id, body, timeout ms, reply list, idempotent
-- (1/0), level, lane. Returns, per request, 1 or false when the queue was full. Deadlines are
-- stamped with Redis' clock.
--! include lanes.lib.lua
local base, capacity, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local length = redis.call('XLEN', KEYS[1]) + tonumber(redis.call('GET', base .. 'staged') or '0')
local out = {}
for i = 4, #ARGV, 7 do
  if length >= capacity then
    out[#out + 1] = false
  else
    stage(base, ARGV[i + 5], ARGV[i + 6], (now + tonumber(ARGV[i + 2])) .. '\n' .. ARGV[i + 3] .. '\n'
      .. ARGV[i + 4] .. '\n' .. ARGV[i] .. '\n' .. ARGV[i + 1], false, ttl, now)
    length = length + 1
    out[#out + 1] = 1
  end
end
wake(base, KEYS[1])
return out
