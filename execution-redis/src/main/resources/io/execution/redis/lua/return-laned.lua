-- Put a request taken from a lane but never started back at the head of its lane. KEYS:
-- laned stream, plain stream. ARGV: key base, group, entry id, ttl ms, level, lane, then the
-- entry: deadline, reply, idem, invocation id, body. Returns 1, or 0 when the entry was gone.
--! include lanes.lib.lua
redis.call('XACK', KEYS[1], ARGV[2], ARGV[3])
if redis.call('XDEL', KEYS[1], ARGV[3]) == 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
stage(ARGV[1], ARGV[5], ARGV[6], ARGV[7] .. '\n' .. ARGV[8] .. '\n' .. ARGV[9] .. '\n' .. ARGV[10] .. '\n'
  .. ARGV[11], true, ARGV[4], now)
wake(ARGV[1], KEYS[2])
return 1
