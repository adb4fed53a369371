-- Take up to a number of a queue's global concurrency slots and start tokens for a consumer,
-- dropping first the slots of consumers whose lease ran out (a worker that stopped). KEYS:
-- slot counts hash (by consumer), slot leases set (consumer by expiry), start-token bucket.
-- ARGV: consumer, wanted, concurrency limit (0 for none), lease ms, starts per period (0 for
-- none), period ms. Returns how many were granted.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, c in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[1], c)
  redis.call('ZREM', KEYS[2], c)
end
local grant = tonumber(ARGV[2])
if tonumber(ARGV[3]) > 0 then
  local used = 0
  for _, v in ipairs(redis.call('HVALS', KEYS[1])) do used = used + tonumber(v) end
  grant = math.min(grant, tonumber(ARGV[3]) - used)
end
if grant > 0 and tonumber(ARGV[5]) > 0 then
  local cap, per = tonumber(ARGV[5]), tonumber(ARGV[6])
  local b = redis.call('HMGET', KEYS[3], 'tokens', 'at')
  local tokens = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  tokens = math.min(cap, tokens + (now - at) * cap / per)
  grant = math.min(grant, math.floor(tokens))
  if grant > 0 then tokens = tokens - grant end
  redis.call('HSET', KEYS[3], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[3], 10 * per)
end
if grant <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], grant)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], 10 * tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[2], 10 * tonumber(ARGV[4]))
return grant
