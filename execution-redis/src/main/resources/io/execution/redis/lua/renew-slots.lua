-- Renew a consumer's slot lease. KEYS: slot counts, slot leases. ARGV: consumer, lease ms.
-- Returns what it holds: 0 when its slots were dropped (its lease had run out).
local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if held <= 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
return held
