-- Cancel a request: drop it if no worker read it or if its next attempt waits until due, and mark
-- it so that a worker running it stops and its next attempt is not held. KEYS: requests stream,
-- cancel marker, scheduled set, scheduled bodies hash, scheduled lanes hash. ARGV: entry id (''
-- when not known: a request held until due, or one cancelled by its invocation id alone, which a
-- worker that reads it drops by the marker), ttl ms, invocation id. Returns 1 when it was dropped.
local deleted = 0
if ARGV[1] ~= '' then deleted = redis.call('XDEL', KEYS[1], ARGV[1]) end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[3])
redis.call('HDEL', KEYS[5], ARGV[3])
return deleted + redis.call('ZREM', KEYS[3], ARGV[3])
