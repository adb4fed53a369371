-- Enqueue a batch of requests, each unless the queue is full. KEYS: requests stream. ARGV:
-- capacity, stream ttl ms, refresh the ttl now (1/0: the caller asks once a second; a new
-- stream always gets it), then five per request: invocation id, body, timeout ms, reply list,
-- idempotent (1/0). Returns, per request, its entry id or false when the queue was full.
-- Deadlines are stamped with Redis' own clock, never the caller's.
local length = redis.call('XLEN', KEYS[1])
local created = length == 0
local capacity = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 4, #ARGV, 5 do
  if length >= capacity then
    out[#out + 1] = false
  else
    out[#out + 1] = redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'body', ARGV[i + 1],
      'deadline', now + tonumber(ARGV[i + 2]), 'reply', ARGV[i + 3], 'idem', ARGV[i + 4])
    length = length + 1
  end
end
if created or ARGV[3] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return out
