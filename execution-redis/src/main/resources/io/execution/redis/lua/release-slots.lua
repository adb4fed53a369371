-- Give back a consumer's slots. KEYS: slot counts, slot leases. ARGV: consumer, how many. Returns what it still holds.
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -tonumber(ARGV[2]))
if left <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
return left
