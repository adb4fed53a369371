-- The Lua functions shared by the scripts that put requests in lanes. A lane holds the
-- requests of one priority level, fairness key and requirement: a list under
-- <base>lane:<level>:<lane>, where the lane's name is <requirement>|<key>. Each
-- level has a ring of its lanes, taken in turn (<base>ring:<level>; at level 0 the
-- plain stream takes its turn as *), the levels are a sorted set
-- (<base>levels), each level's last service time is in <base>served, the count
-- of staged requests in <base>staged. A request is staged as
-- deadline\nreply\nidem\nid\nbody. A staged request wakes a worker blocked on the
-- plain stream with a wake entry there, at most one until a worker finds the lanes
-- empty.
local function stage(base, level, lane, entry, front, ttl, now)
  local list = base .. 'lane:' .. level .. ':' .. lane
  local n
  if front then n = redis.call('LPUSH', list, entry) else n = redis.call('RPUSH', list, entry) end
  redis.call('PEXPIRE', list, ttl)
  local ring = base .. 'ring:' .. level
  if n == 1 then
    if redis.call('RPUSH', ring, lane) == 1 and level == '0' then redis.call('LPUSH', ring, '*') end
    if redis.call('ZADD', base .. 'levels', 'NX', tonumber(level), level) == 1 then
      redis.call('HSET', base .. 'served', level, now)
    end
  end
  redis.call('PEXPIRE', ring, ttl)
  redis.call('PEXPIRE', base .. 'levels', ttl)
  redis.call('PEXPIRE', base .. 'served', ttl)
  redis.call('INCR', base .. 'staged')
  redis.call('PEXPIRE', base .. 'staged', ttl)
end
local function wake(base, main)
  if redis.call('SET', base .. 'wake', '1', 'NX', 'PX', 2000) then
    redis.call('XADD', main, '*', 'wake', '1')
  end
end
