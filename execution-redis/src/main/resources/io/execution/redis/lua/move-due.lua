-- Move the requests that are due onto the queue (or into their lane), oldest due first, while
-- it has room: their deadline is their due time plus their timeout. KEYS: scheduled set,
-- scheduled bodies hash, requests stream, scheduled lanes hash. ARGV: most to move, capacity,
-- retention ms, lane key base. Returns how late each moved request is, in ms.
--! include lanes.lib.lua
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
if #due == 0 then return out end
local base = ARGV[4]
local length = redis.call('XLEN', KEYS[3]) + tonumber(redis.call('GET', base .. 'staged') or '0')
local staged = false
for i = 1, #due, 2 do
  if length >= tonumber(ARGV[2]) then break end
  local id, at = due[i], tonumber(due[i + 1])
  local v = redis.call('HGET', KEYS[2], id)
  local lane = redis.call('HGET', KEYS[4], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[4], id)
  if v then
    local a = string.find(v, '\n', 1, true)
    local b = string.find(v, '\n', a + 1, true)
    local c = string.find(v, '\n', b + 1, true)
    local deadline = at + tonumber(string.sub(v, 1, a - 1))
    if lane then
      local s = string.find(lane, '\n', 1, true)
      stage(base, string.sub(lane, 1, s - 1), string.sub(lane, s + 1), deadline .. '\n' .. string.sub(v, a + 1, b - 1)
        .. '\n' .. string.sub(v, b + 1, c - 1) .. '\n' .. id .. '\n' .. string.sub(v, c + 1), false, ARGV[3], now)
      staged = true
    else
      redis.call('XADD', KEYS[3], '*', 'id', id, 'body', string.sub(v, c + 1),
        'deadline', deadline, 'reply', string.sub(v, a + 1, b - 1), 'idem', string.sub(v, b + 1, c - 1))
    end
    length = length + 1
    out[#out + 1] = now - at
  end
end
if staged then wake(base, KEYS[3]) end
if #out > 0 and redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
return out
