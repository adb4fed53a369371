-- The calls running per fairness key under a per-key concurrency limit, the keys whose calls
-- all ended forgotten on the way. KEYS: the laned stream. ARGV: key base, group. Returns
-- {key, count, key, count, ...}.
--! include keys.lib.lua
local base, group = ARGV[1], ARGV[2]
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', base .. 'kkeys')) do
  local n = keyRunning(base, KEYS[1], group, key)
  if n > 0 then
    out[#out + 1] = key
    out[#out + 1] = n
  end
end
return out
