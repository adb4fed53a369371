-- Give back a request a worker took but never started (it is shutting down): it goes to the
-- back of the queue for another worker, as a fresh delivery. KEYS: requests stream, attempts
-- hash. ARGV: group, entry id, then the entry's fields and values.
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
local deleted = redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
if deleted == 0 then return false end
local fields = {}
for i = 3, #ARGV do table.insert(fields, ARGV[i]) end
return redis.call('XADD', KEYS[1], '*', unpack(fields))
