-- Stash the replies of a batch in the queue's own slot before they are pushed: a worker that
-- stops between the push and the acknowledgement leaves them there, and the worker that takes
-- the request over sends the reply again instead of taking it for a call that may have run.
-- KEYS: answered hash. ARGV: ttl ms, then entry id and reply pairs.
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
