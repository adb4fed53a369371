-- Put a dead letter back on its queue with a fresh deadline (by Redis' clock) and remove it
-- from the dead letters, in one step. KEYS: dead-letter stream, requests stream. ARGV: dead
-- letter id, timeout ms, reply key, capacity, retention ms. Returns the invocation id, false
-- when there is no such dead letter, or an error when the queue is full.
--! include lanes.lib.lua
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
if not e then return false end
local f = {}
for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
local base = ARGV[6]
if redis.call('XLEN', KEYS[2]) + tonumber(redis.call('GET', base .. 'staged') or '0') >= tonumber(ARGV[4]) then
  return redis.error_reply('QUEUE_FULL the queue holds its capacity of requests')
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lane = f['lane']
if lane and string.find(lane, '\n', 1, true) then
  local s = string.find(lane, '\n', 1, true)
  stage(base, string.sub(lane, 1, s - 1), string.sub(lane, s + 1), (now + tonumber(ARGV[2])) .. '\n' .. ARGV[3]
    .. '\n0\n' .. (f['id'] or '') .. '\n' .. (f['body'] or ''), false, ARGV[5], now)
  wake(base, KEYS[2])
else
  redis.call('XADD', KEYS[2], '*', 'id', f['id'] or '', 'body', f['body'] or '',
    'deadline', now + tonumber(ARGV[2]), 'reply', ARGV[3], 'idem', '0')
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
redis.call('XDEL', KEYS[1], ARGV[1])
return f['id'] or ''
