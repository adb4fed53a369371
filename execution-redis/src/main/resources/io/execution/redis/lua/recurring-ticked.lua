-- Record that a tick of a recurring call started: the recent ticks (newest first, each once,
-- whatever order instances record them in) keep the last ARGV[2]; the latest tick moves forward
-- only. KEYS: the call's state hash, its ticks list (one slot: {r:<name>}). ARGV: the due time
-- (epoch ms), how many ticks to keep, ttl ms. Returns 1 when the tick is newer than the latest known.
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '-1')
local due = tonumber(ARGV[1])
local newer = 0
if due > last then
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  redis.call('LPUSH', KEYS[2], ARGV[1])
  newer = 1
else
  local ticks = redis.call('LRANGE', KEYS[2], 0, -1)
  for i = 1, #ticks do
    if tonumber(ticks[i]) == due then return 0 end
  end
  redis.call('LPUSH', KEYS[2], ARGV[1])
  redis.call('SORT', KEYS[2], 'DESC', 'STORE', KEYS[2])
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return newer
