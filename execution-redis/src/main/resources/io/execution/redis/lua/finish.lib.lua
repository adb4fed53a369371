-- Finishes the requests listed in ARGV from first on: acknowledges and deletes them,
-- forgets their redeliveries and stashed replies (of every request when stashed, else
-- of those taken over, which a stopped worker may have stashed), and keeps those that failed
-- for good as dead letters. KEYS 1 to 4: requests stream, attempts hash,
-- dead-letter stream, answered hash. ARGV 1 to 3: group, dead-letter limit, dead-letter
-- retention ms; then six per request: entry id, dead-letter cause ('' for none), invocation
-- id, body, taken over (1/0), the lane it was taken from (level\nlane, '' for the
-- plain one: a dead letter keeps it, so that a requeued one goes back to its lane). Returns
-- {how many were finished, how many dead letters the stream holds (-1 when none was added)}.
local function finish(first, stashed)
  local ids = {}
  local dead = false
  for i = first, #ARGV, 6 do
    ids[#ids + 1] = ARGV[i]
    if stashed or ARGV[i + 4] == '1' then redis.call('HDEL', KEYS[4], ARGV[i]) end
    if ARGV[i + 1] ~= '' then
      local taken = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
      if ARGV[i + 5] ~= '' then
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[i + 2], 'cause', ARGV[i + 1],
          'body', ARGV[i + 3], 'attempts', taken + 1, 'lane', ARGV[i + 5])
      else
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[i + 2], 'cause', ARGV[i + 1],
          'body', ARGV[i + 3], 'attempts', taken + 1)
      end
      dead = true
    end
    if ARGV[i + 4] == '1' then redis.call('HDEL', KEYS[2], ARGV[i]) end
  end
  if #ids == 0 then return {0, -1} end
  redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
  redis.call('XDEL', KEYS[1], unpack(ids))
  if dead then
    redis.call('PEXPIRE', KEYS[3], ARGV[3])
    return {#ids, redis.call('XLEN', KEYS[3])}
  end
  return {#ids, -1}
end
