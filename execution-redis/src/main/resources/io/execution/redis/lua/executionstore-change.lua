-- The state table of executions (io.execution.async.ExecutionChange, held to this script by
-- ExecutionStateTableTest): create (ARGV[2] = 'create': only when absent) or change (only when present and not
-- finished); either way the version goes up by one. KEYS: the record. ARGV: ttl ms, mode, then field/value pairs. For 'progress', the
-- estimated completion is derived from the pace since the previous report (its fraction and 'progressAt'), else since
-- the start, and ARGV[3] (now, ms). Returns 1 when
-- applied.
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[2] == 'create' then
  if status then return 0 end
elseif ARGV[2] == 'reopen' then
  if not status or status == 'SCHEDULED' or status == 'PENDING' or status == 'RUNNING' then return 0 end
  redis.call('HDEL', KEYS[1], 'startedAt', 'finishedAt', 'worker', 'progress', 'progressAt', 'message', 'eta', 'result',
    'errorCode', 'errorType', 'errorMessage')
else
  if not status then return 0 end
  if status ~= 'SCHEDULED' and status ~= 'PENDING' and status ~= 'RUNNING' then return 0 end
end
local first = 3
if ARGV[2] == 'running' then
  if redis.call('HEXISTS', KEYS[1], 'startedAt') == 1 then
    redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'worker', ARGV[6])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    return 1
  end
elseif ARGV[2] == 'progress' then
  first = 4
  local fraction = nil
  for i = 4, #ARGV, 2 do if ARGV[i] == 'progress' then fraction = tonumber(ARGV[i + 1]) end end
  if fraction == nil then fraction = tonumber(redis.call('HGET', KEYS[1], 'progress')) end
  local from = tonumber(redis.call('HGET', KEYS[1], 'startedAt') or redis.call('HGET', KEYS[1], 'createdAt'))
  local now = tonumber(ARGV[3])
  local before = tonumber(redis.call('HGET', KEYS[1], 'progress'))
  local beforeAt = tonumber(redis.call('HGET', KEYS[1], 'progressAt'))
  local moved = false
  for i = 4, #ARGV, 2 do if ARGV[i] == 'progress' then moved = true end end
  if moved and fraction and before and beforeAt and fraction > before and fraction < 1 and now > beforeAt then
    -- The pace since the previous report: a slow start (a JIT warming up) does not skew it for good.
    redis.call('HSET', KEYS[1], 'eta', tostring(math.floor(now + (now - beforeAt) / (fraction - before) * (1 - fraction))))
  elseif moved and fraction and fraction > 0 and from then
    redis.call('HSET', KEYS[1], 'eta', tostring(math.floor(from + (now - from) / fraction)))
  end
  if moved then redis.call('HSET', KEYS[1], 'progressAt', ARGV[3]) end
end
for i = first, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
