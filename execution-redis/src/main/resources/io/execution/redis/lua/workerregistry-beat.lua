-- A heartbeat, which also takes what an operator asked of this worker. KEYS: the worker's
-- record, the set of workers, its requests. ARGV: id, record, ttl ms. Returns the request
-- (drain or resume), or '' for none.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local asked = redis.call('GET', KEYS[3])
if asked then redis.call('DEL', KEYS[3]) end
return asked or ''
