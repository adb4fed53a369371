-- Cancel a request: drop it if no worker read it, and mark it so that a worker running it stops.
-- KEYS: requests stream, cancel marker. ARGV: entry id, ttl ms.
local deleted = redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return deleted
