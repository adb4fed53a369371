-- Forget the consumers of workers that are gone: those holding no request and idle longer
-- than a limit (a live worker reads again within seconds, and reading makes its consumer
-- again anyway). KEYS: requests stream. ARGV: group, min idle ms, the asking consumer.
-- Returns how many were removed.
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if info['pending'] == 0 and info['idle'] > tonumber(ARGV[2]) and info['name'] ~= ARGV[3] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
