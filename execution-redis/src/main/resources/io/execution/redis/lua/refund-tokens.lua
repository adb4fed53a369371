-- Give back start tokens taken for requests that did not come. KEYS: the bucket. ARGV: how many, capacity.
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[2]), tokens + tonumber(ARGV[1]))))
return 1
