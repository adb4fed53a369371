-- Record that a tick of a recurring call started: the latest tick moves forward only, and the
-- recent ticks (newest first) keep the last ARGV[2]. KEYS: the call's state hash, its ticks list
-- (one slot: {r:<name>}). ARGV: the due time (epoch ms), how many ticks to keep, ttl ms. Returns 1
-- when the tick is newer than the latest known.
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '-1')
local due = tonumber(ARGV[1])
if due <= last then return 0 end
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
