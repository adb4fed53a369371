-- The Lua functions of per-key limits. The calls of a fairness key running are the laned
-- stream's entries listed in <base>krun:<key> that are still pending: a take-over keeps one
-- counted, its acknowledgement (answer, dead letter, a retry scheduled) frees it, and an
-- entry no longer pending is dropped from the set when the key is next counted. <base>kkeys
-- lists the keys that may have calls running. A key's start tokens are a bucket in
-- <base>ktok:<key> (fields t and at, Redis' milliseconds), gone when full.
local function keyRunning(base, laned, group, key)
  local set = base .. 'krun:' .. key
  local n = 0
  for _, id in ipairs(redis.call('SMEMBERS', set)) do
    local ok, pending = pcall(redis.call, 'XPENDING', laned, group, id, id, 1)
    if ok and #pending > 0 then n = n + 1 else redis.call('SREM', set, id) end
  end
  if n == 0 then redis.call('SREM', base .. 'kkeys', key) end
  return n
end
