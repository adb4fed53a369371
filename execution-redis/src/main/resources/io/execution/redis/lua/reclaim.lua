-- Take over requests whose worker stopped renewing its lease, but not from a worker that is
-- alive: a consumer that read or renewed within the visibility timeout keeps its requests
-- (its renewals may only be late, say while one of its connections reconnects) until they
-- have gone unrenewed for stale ms. This consumer's own requests count as alive.
-- KEYS: requests stream, attempts hash, answered hash. ARGV: group, consumer, min idle ms,
-- count, attempts retention ms, stale ms. Returns {entry id, fields or false when the caller
-- cancelled it meanwhile, times taken over, the reply its worker stashed before it stopped or
-- false}.
local group, me, idle, want = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local stale = tonumber(ARGV[6])
local alive = {[me] = true}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], group)) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if info['idle'] < idle then alive[info['name']] = true end
end
local out = {}
local from = '-'
local seen = 0
while #out < want and seen < 1000 do
  local pending = redis.call('XPENDING', KEYS[1], group, 'IDLE', idle, from, '+', 100)
  if #pending == 0 then break end
  for _, p in ipairs(pending) do
    seen = seen + 1
    if #out < want and (not alive[p[2]] or p[3] >= stale) then
      local e = redis.call('XCLAIM', KEYS[1], group, me, idle, p[1])[1]
      if e and e[2] then
        table.insert(out, {e[1], e[2], redis.call('HINCRBY', KEYS[2], e[1], 1), redis.call('HGET', KEYS[3], e[1])})
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
      else
        redis.call('XACK', KEYS[1], group, p[1])
        redis.call('HDEL', KEYS[2], p[1])
      end
    end
  end
  from = '(' .. pending[#pending][1]
end
return out
