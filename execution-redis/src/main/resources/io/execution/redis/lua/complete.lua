-- Answer and finish a batch of requests in one step, where one script may touch every key (a
-- single Redis or a Sentinel-watched one, not a Cluster): the replies are pushed to their
-- callers' lists and the requests acknowledged together, so no reply needs stashing first —
-- a worker that stops before the script leaves both undone, one that stops after leaves both
-- done. KEYS: requests stream, attempts hash, dead-letter stream, answered hash, then the
-- reply lists. ARGV: group, dead-letter limit, dead-letter retention ms, reply list ttl ms, the
-- number of reply lists, then per list: refresh its ttl now (1/0; a list the push creates
-- always gets it), the number of its replies and the replies; then six per request as for
-- FINISH. Returns what FINISH does.
--! include finish.lib.lua
local i = 6
for j = 1, tonumber(ARGV[5]) do
  local count = tonumber(ARGV[i + 1])
  if redis.call('RPUSH', KEYS[4 + j], unpack(ARGV, i + 2, i + 1 + count)) == count or ARGV[i] == '1' then
    redis.call('PEXPIRE', KEYS[4 + j], ARGV[4])
  end
  i = i + 2 + count
end
return finish(i, false)
