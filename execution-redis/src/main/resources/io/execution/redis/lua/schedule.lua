-- Hold a request until it is due, by Redis' clock. KEYS: scheduled set (invocation id by due
-- time), scheduled bodies hash. ARGV: invocation id, delay ms, timeout ms, reply key,
-- idempotent (1/0), body, retention ms. Returns the due time (Redis ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], due, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. '\n' .. ARGV[4] .. '\n' .. ARGV[5] .. '\n' .. ARGV[6])
local keep = tonumber(ARGV[2]) + tonumber(ARGV[3]) + tonumber(ARGV[7])
if redis.call('PTTL', KEYS[1]) < keep then
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('PEXPIRE', KEYS[2], keep)
end
return due
