-- Take up to a number of requests for a consumer, by priority: levels from the highest down
-- (the plain stream is level 0), within a level the lanes in turn (a fairness key's weight
-- is how many it gives per turn), lanes whose requirement the worker's tags do not meet
-- passed over. A level not served for the aging period gives one request first. A staged
-- request moves to the laned stream and is read there by the consumer in the same step, so
-- that it is leased, taken over and acknowledged as any stream entry. KEYS: plain stream,
-- laned stream. A lane whose fairness key is at a per-key limit (its calls running, its start
-- tokens) is passed over too, and a staged request whose caller cancelled it is dropped.
-- ARGV: key base, group, consumer, wanted, aging ms (0 for none),
-- ttl ms, per-key max-concurrent, per-key starts, their period ms (0 for no limit), tag
-- count, the tags' names and values, then fairness keys and weights. Returns {{whether work
-- waits that this worker cannot take now (1/0), whether any lane is left (1/0)}, then per
-- request {1 for the plain stream or 2 for the laned one, entry id, fields}}.
--! include keys.lib.lua
local base, group, me = ARGV[1], ARGV[2], ARGV[3]
local want, aging, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local kmax, kstarts, kper = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local tags, weights = {}, {}
local ntags = tonumber(ARGV[10])
for i = 11, 10 + 2 * ntags, 2 do tags[ARGV[i]] = ARGV[i + 1] end
for i = 11 + 2 * ntags, #ARGV, 2 do weights[ARGV[i]] = tonumber(ARGV[i + 1]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levelsKey, servedKey, turnsKey = base .. 'levels', base .. 'served', base .. 'turns'
local out = {{0, 0}}
local unserved, held = 0, 0
local function read(stream, n)
  local r = redis.call('XREADGROUP', 'GROUP', group, me, 'COUNT', n, 'STREAMS', stream, '>')
  if not r then return {} end
  return r[1][2]
end
local function plain()
  while true do
    local es = read(KEYS[1], 1)
    if #es == 0 then return nil end
    local e = es[1]
    if e[2][1] ~= 'wake' then return e end
    redis.call('XACK', KEYS[1], group, e[1])
    redis.call('XDEL', KEYS[1], e[1])
  end
end
local function matches(lane)
  local bar = string.find(lane, '|', 1, true)
  if not bar then return true end
  for k, v in string.gmatch(string.sub(lane, 1, bar - 1), '([^,=]+)=([^,]+)') do
    if tags[k] ~= v then return false end
  end
  return true
end
local function weight(lane)
  local bar = string.find(lane, '|', 1, true)
  if not bar then return 1 end
  return weights[string.sub(lane, bar + 1)] or 1
end
-- Where a staged request's parts end: deadline\nreply\nidem\ninvocation id\nbody.
local function partsOf(v)
  local a = string.find(v, '\n', 1, true)
  local b = string.find(v, '\n', a + 1, true)
  local c = string.find(v, '\n', b + 1, true)
  return a, b, c, string.find(v, '\n', c + 1, true)
end
-- Whether the caller cancelled a staged request before a worker took it (its marker is set).
local function cancelled(v)
  local _, _, c, d = partsOf(v)
  return redis.call('EXISTS', base .. 'cancel:' .. string.sub(v, c + 1, d - 1)) == 1
end
local function stageTaken(level, lane, v)
  local a, b, c, d = partsOf(v)
  redis.call('XADD', KEYS[2], '*', 'id', string.sub(v, c + 1, d - 1), 'body', string.sub(v, d + 1),
    'deadline', string.sub(v, 1, a - 1), 'reply', string.sub(v, a + 1, b - 1), 'idem', string.sub(v, b + 1, c - 1),
    'prio', level, 'lane', lane)
  local id = nil
  for _, e in ipairs(read(KEYS[2], 1)) do out[#out + 1] = {2, e[1], e[2]}; id = e[1] end
  return id
end
-- Whether the lane's fairness key may start a call now: nil when not, else its start tokens
-- after the refill (-1 when it has no rate).
local function keyFree(lane)
  local bar = string.find(lane, '|', 1, true)
  if not bar or bar == #lane then return -1 end
  local key = string.sub(lane, bar + 1)
  if kmax > 0 and redis.call('SCARD', base .. 'krun:' .. key) >= kmax
      and keyRunning(base, KEYS[2], group, key) >= kmax then
    return nil
  end
  if kstarts == 0 then return -1 end
  local b = redis.call('HMGET', base .. 'ktok:' .. key, 't', 'at')
  local tokens = kstarts
  if b[1] then tokens = math.min(kstarts, tonumber(b[1]) + (now - tonumber(b[2])) * kstarts / kper) end
  if tokens < 1 then return nil end
  return tokens
end
-- A call of the lane's fairness key started as the laned stream's entry id.
local function keyStarted(lane, tokens, id)
  local bar = string.find(lane, '|', 1, true)
  if not bar or bar == #lane then return end
  local key = string.sub(lane, bar + 1)
  if kmax > 0 and id then
    redis.call('SADD', base .. 'krun:' .. key, id)
    redis.call('PEXPIRE', base .. 'krun:' .. key, ttl)
    redis.call('SADD', base .. 'kkeys', key)
    redis.call('PEXPIRE', base .. 'kkeys', ttl)
  end
  if tokens >= 0 then
    redis.call('HSET', base .. 'ktok:' .. key, 't', tokens - 1, 'at', now)
    redis.call('PEXPIRE', base .. 'ktok:' .. key, kper + 1000)
  end
end
local function takeFrom(level)
  local ring = base .. 'ring:' .. level
  local n = redis.call('LLEN', ring)
  if n == 0 then
    if level == '0' then
      local e = plain()
      if e then
        out[#out + 1] = {1, e[1], e[2]}
        redis.call('HSET', servedKey, '0', now)
        return true
      end
    end
    redis.call('ZREM', levelsKey, level)
    return false
  end
  for i = 1, n do
    local lane = redis.call('LINDEX', ring, 0)
    if not lane then break end
    if lane == '*' then
      redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
      local e = plain()
      if e then
        out[#out + 1] = {1, e[1], e[2]}
        redis.call('HSET', servedKey, level, now)
        return true
      end
    elseif not matches(lane) then
      unserved = 1
      redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
    else
      local list = base .. 'lane:' .. level .. ':' .. lane
      local tokens = -1
      local v = nil
      if (kmax > 0 or kstarts > 0) and redis.call('LLEN', list) > 0 then tokens = keyFree(lane) end
      if tokens then v = redis.call('LPOP', list) end
      if not tokens then
        -- The key is at its limit: its calls wait in their lane, the other lanes take their turn.
        held = 1
        redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
        redis.call('HDEL', turnsKey, level .. ':' .. lane)
      elseif v and cancelled(v) then
        -- Dropped unrun: the caller gave it up while it waited (no turn or start token used).
        redis.call('DECR', base .. 'staged')
        if redis.call('LLEN', list) == 0 then
          redis.call('LPOP', ring)
          redis.call('HDEL', turnsKey, level .. ':' .. lane)
        end
        return true
      elseif v then
        redis.call('DECR', base .. 'staged')
        keyStarted(lane, tokens, stageTaken(level, lane, v))
        redis.call('HSET', servedKey, level, now)
        local used = redis.call('HINCRBY', turnsKey, level .. ':' .. lane, 1)
        if redis.call('LLEN', list) == 0 then
          redis.call('LPOP', ring)
          redis.call('HDEL', turnsKey, level .. ':' .. lane)
        elseif used >= weight(lane) then
          redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
          redis.call('HDEL', turnsKey, level .. ':' .. lane)
        end
        return true
      else
        redis.call('LPOP', ring)
        redis.call('HDEL', turnsKey, level .. ':' .. lane)
      end
    end
  end
  local left = redis.call('LRANGE', ring, 0, 1)
  if #left == 0 or (#left == 1 and left[1] == '*') then
    redis.call('DEL', ring)
    redis.call('ZREM', levelsKey, level)
  end
  return false
end
for _, e in ipairs(read(KEYS[2], want)) do out[#out + 1] = {2, e[1], e[2]} end
local levels = redis.call('ZREVRANGE', levelsKey, 0, -1)
local order, zero = {}, false
for _, level in ipairs(levels) do
  if tonumber(level) < 0 and not zero then order[#order + 1] = '0'; zero = true end
  if level == '0' then zero = true end
  order[#order + 1] = level
end
if not zero then order[#order + 1] = '0' end
-- Since when level 0 has gone unserved: its last service, or the arrival of the plain stream's
-- oldest request not yet delivered when that is later (stream ids are Redis' milliseconds), so
-- that a quiet spell with nothing waiting does not count as waiting. nil: nothing waits there.
local function zeroWaitingSince(last)
  local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
  local since = nil
  if ok then
    for _, g in ipairs(groups) do
      local name, delivered = nil, nil
      for j = 1, #g, 2 do
        if g[j] == 'name' then name = g[j + 1] elseif g[j] == 'last-delivered-id' then delivered = g[j + 1] end
      end
      if name == group and delivered then
        local first = redis.call('XRANGE', KEYS[1], '(' .. delivered, '+', 'COUNT', 1)
        if #first > 0 then since = math.max(last, tonumber(string.match(first[1][1], '^(%d+)'))) end
      end
    end
  end
  if since == nil and redis.call('ZSCORE', levelsKey, '0') then since = last end
  return since
end
if aging > 0 then
  for i = 2, #order do
    if #out - 1 >= want then break end
    local last = redis.call('HGET', servedKey, order[i])
    if not last then
      redis.call('HSET', servedKey, order[i], now)
      redis.call('PEXPIRE', servedKey, ttl)
    elseif order[i] == '0' then
      local since = zeroWaitingSince(tonumber(last))
      if since and now - since >= aging then takeFrom('0') end
    elseif now - tonumber(last) >= aging then
      takeFrom(order[i])
    end
  end
end
for _, level in ipairs(order) do
  while #out - 1 < want do
    if not takeFrom(level) then break end
  end
  if #out - 1 >= want then break end
end
if #out > 1 then redis.call('PEXPIRE', KEYS[2], ttl) end
if #out - 1 < want then
  if unserved == 1 then
    if redis.call('SET', base .. 'wake', '1', 'NX', 'PX', 2000) then redis.call('XADD', KEYS[1], '*', 'wake', '1') end
  else
    redis.call('DEL', base .. 'wake')
  end
end
out[1] = {math.max(unserved, held), redis.call('EXISTS', levelsKey)}
return out
