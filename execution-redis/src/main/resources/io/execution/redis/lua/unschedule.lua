-- Drop a request held until it is due. KEYS: scheduled set, bodies hash, lanes hash. ARGV: invocation id. Returns 1 when it was held.
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
