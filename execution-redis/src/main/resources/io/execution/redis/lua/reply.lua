-- Answer callers of one process. KEYS: the caller's reply list. ARGV: ttl ms, refresh the ttl
-- now (1/0: a worker asks once a second per list; a list the push creates always gets it),
-- then the replies.
local pushed = #ARGV - 2
if redis.call('RPUSH', KEYS[1], unpack(ARGV, 3)) == pushed or ARGV[2] == '1' then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return pushed
