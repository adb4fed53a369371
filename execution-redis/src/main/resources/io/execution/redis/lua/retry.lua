-- End an attempt of a request whose service threw and hold its next attempt until it is due, in one
-- step: the attempt is acknowledged (as FINISH does, without a reply: the caller waits for the next
-- attempt's) and the next attempt's request joins the queue's schedule (as schedule.lua holds one),
-- in the lane it came from. A worker that stops before the script leaves the attempt leased (it is
-- taken over as any other); one that stops after leaves the next attempt scheduled. A call its
-- caller cancelled (or gave up on) meanwhile only ends its attempt. All keys are in the queue's
-- slot. KEYS: requests stream the attempt was read from, its attempts hash, dead-letter stream, its
-- answered hash, scheduled set, scheduled bodies hash, scheduled lanes hash, cancel marker. ARGV: group,
-- dead-letter limit, dead-letter retention ms, invocation id, delay ms, timeout ms, reply key,
-- idempotent (1/0), next attempt's body, retention ms, lane ('' for the plain one, else
-- level\nlane), then the six arguments of FINISH for the attempt. Returns the due time (Redis ms), or
-- -1 when the call was cancelled.
--! include finish.lib.lua
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = now + tonumber(ARGV[5])
finish(12, false)
if redis.call('EXISTS', KEYS[8]) == 1 then
  return -1
end
redis.call('ZADD', KEYS[5], due, ARGV[4])
redis.call('HSET', KEYS[6], ARGV[4], ARGV[6] .. '\n' .. ARGV[7] .. '\n' .. ARGV[8] .. '\n' .. ARGV[9])
if ARGV[11] ~= '' then
  redis.call('HSET', KEYS[7], ARGV[4], ARGV[11])
end
local keep = tonumber(ARGV[5]) + tonumber(ARGV[6]) + tonumber(ARGV[10])
for _, key in ipairs({ KEYS[5], KEYS[6], KEYS[7] }) do
  if redis.call('EXISTS', key) == 1 and redis.call('PTTL', key) < keep then
    redis.call('PEXPIRE', key, keep)
  end
end
return due
