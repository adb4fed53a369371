-- Moves a key from one id to another if it still holds the first. KEYS: the key. ARGV: from, to, ttl ms.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
