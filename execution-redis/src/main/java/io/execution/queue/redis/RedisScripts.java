package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.execution.redis.RedisScript;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Lua scripts that make each multi-step change of the queues atomic. Every script touches
 * keys of one hash slot only (a queue's keys share the tag {@code {q:<queue>}}), so they run on
 * Redis Cluster too, and use only Redis 6.2 commands.
 */
final class RedisScripts {

	/**
	 * The Lua functions shared by the scripts that put requests in lanes. A lane holds the
	 * requests of one priority level, fairness key and requirement: a list under
	 * {@code <base>lane:<level>:<lane>}, where the lane's name is {@code <requirement>|<key>}. Each
	 * level has a ring of its lanes, taken in turn ({@code <base>ring:<level>}; at level 0 the
	 * plain stream takes its turn as {@code *}), the levels are a sorted set
	 * ({@code <base>levels}), each level's last service time is in {@code <base>served}, the count
	 * of staged requests in {@code <base>staged}. A request is staged as
	 * {@code deadline\nreply\nidem\nid\nbody}. A staged request wakes a worker blocked on the
	 * plain stream with a {@code wake} entry there, at most one until a worker finds the lanes
	 * empty.
	 */
	private static final String LANES = """
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
			""";

	/**
	 * Enqueue a batch of requests, each unless the queue is full. KEYS: requests stream. ARGV:
	 * capacity, stream ttl ms, refresh the ttl now (1/0: the caller asks once a second; a new
	 * stream always gets it), then five per request: invocation id, body, timeout ms, reply list,
	 * idempotent (1/0). Returns, per request, its entry id or false when the queue was full.
	 * Deadlines are stamped with Redis' own clock, never the caller's.
	 */
	static final RedisScript SUBMIT = new RedisScript("""
			local length = redis.call('XLEN', KEYS[1])
			local created = length == 0
			local capacity = tonumber(ARGV[1])
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local out = {}
			for i = 4, #ARGV, 5 do
			  if length >= capacity then
			    out[#out + 1] = false
			  else
			    out[#out + 1] = redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'body', ARGV[i + 1],
			      'deadline', now + tonumber(ARGV[i + 2]), 'reply', ARGV[i + 3], 'idem', ARGV[i + 4])
			    length = length + 1
			  end
			end
			if created or ARGV[3] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
			return out
			""", ScriptOutputType.MULTI);

	/**
	 * Finishes the requests listed in ARGV from {@code first} on: acknowledges and deletes them,
	 * forgets their redeliveries and stashed replies (of every request when {@code stashed}, else
	 * of those taken over, which a stopped worker may have stashed), and keeps those that failed
	 * for good as dead letters. KEYS 1 to 4: requests stream, attempts hash,
	 * dead-letter stream, answered hash. ARGV 1 to 3: group, dead-letter limit, dead-letter
	 * retention ms; then six per request: entry id, dead-letter cause ('' for none), invocation
	 * id, body, taken over (1/0), the lane it was taken from ({@code level\nlane}, '' for the
	 * plain one: a dead letter keeps it, so that a requeued one goes back to its lane). Returns
	 * {how many were finished, how many dead letters the stream holds (-1 when none was added)}.
	 */
	private static final String FINISH = """
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
			""";

	/**
	 * Finish a batch of requests whose replies Redis already holds (see {@code FINISH}). KEYS:
	 * requests stream, attempts hash, dead-letter stream, answered hash. ARGV: group, dead-letter
	 * limit, dead-letter retention ms, then six per request.
	 */
	static final RedisScript ACK = new RedisScript(FINISH + """
			return finish(4, true)
			""", ScriptOutputType.MULTI);

	/**
	 * Answer and finish a batch of requests in one step, where one script may touch every key (a
	 * single Redis or a Sentinel-watched one, not a Cluster): the replies are pushed to their
	 * callers' lists and the requests acknowledged together, so no reply needs stashing first —
	 * a worker that stops before the script leaves both undone, one that stops after leaves both
	 * done. KEYS: requests stream, attempts hash, dead-letter stream, answered hash, then the
	 * reply lists. ARGV: group, dead-letter limit, dead-letter retention ms, reply list ttl ms, the
	 * number of reply lists, then per list: refresh its ttl now (1/0; a list the push creates
	 * always gets it), the number of its replies and the replies; then six per request as for
	 * {@code FINISH}. Returns what {@code FINISH} does.
	 */
	static final RedisScript COMPLETE = new RedisScript(FINISH + """
			local i = 6
			for j = 1, tonumber(ARGV[5]) do
			  local count = tonumber(ARGV[i + 1])
			  if redis.call('RPUSH', KEYS[4 + j], unpack(ARGV, i + 2, i + 1 + count)) == count or ARGV[i] == '1' then
			    redis.call('PEXPIRE', KEYS[4 + j], ARGV[4])
			  end
			  i = i + 2 + count
			end
			return finish(i, false)
			""", ScriptOutputType.MULTI);

	/**
	 * Put a dead letter back on its queue with a fresh deadline (by Redis' clock) and remove it
	 * from the dead letters, in one step. KEYS: dead-letter stream, requests stream. ARGV: dead
	 * letter id, timeout ms, reply key, capacity, retention ms. Returns the invocation id, false
	 * when there is no such dead letter, or an error when the queue is full.
	 */
	static final RedisScript REQUEUE = new RedisScript(LANES + """
			local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
			if not e then return false end
			local f = {}
			for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
			local base = ARGV[6]
			if redis.call('XLEN', KEYS[2]) + tonumber(redis.call('GET', base .. 'staged') or '0') >= tonumber(ARGV[4]) then
			  return redis.error_reply('QUEUE_FULL the queue holds its capacity of requests')
			end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local lane = f['lane']
			if lane and string.find(lane, '\\n', 1, true) then
			  local s = string.find(lane, '\\n', 1, true)
			  stage(base, string.sub(lane, 1, s - 1), string.sub(lane, s + 1), (now + tonumber(ARGV[2])) .. '\\n' .. ARGV[3]
			    .. '\\n0\\n' .. (f['id'] or '') .. '\\n' .. (f['body'] or ''), false, ARGV[5], now)
			  wake(base, KEYS[2])
			else
			  redis.call('XADD', KEYS[2], '*', 'id', f['id'] or '', 'body', f['body'] or '',
			    'deadline', now + tonumber(ARGV[2]), 'reply', ARGV[3], 'idem', '0')
			  redis.call('PEXPIRE', KEYS[2], ARGV[5])
			end
			redis.call('XDEL', KEYS[1], ARGV[1])
			return f['id'] or ''
			""", ScriptOutputType.VALUE);

	/**
	 * Stage a batch of requests in their lanes, each unless the queue is full (the plain stream
	 * and the lanes count together). KEYS: the plain requests stream. ARGV: key base, capacity,
	 * ttl ms, then seven per request: invocation id, body, timeout ms, reply list, idempotent
	 * (1/0), level, lane. Returns, per request, 1 or false when the queue was full. Deadlines are
	 * stamped with Redis' clock.
	 */
	static final RedisScript SUBMIT_LANED = new RedisScript(LANES + """
			local base, capacity, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local length = redis.call('XLEN', KEYS[1]) + tonumber(redis.call('GET', base .. 'staged') or '0')
			local out = {}
			for i = 4, #ARGV, 7 do
			  if length >= capacity then
			    out[#out + 1] = false
			  else
			    stage(base, ARGV[i + 5], ARGV[i + 6], (now + tonumber(ARGV[i + 2])) .. '\\n' .. ARGV[i + 3] .. '\\n'
			      .. ARGV[i + 4] .. '\\n' .. ARGV[i] .. '\\n' .. ARGV[i + 1], false, ttl, now)
			    length = length + 1
			    out[#out + 1] = 1
			  end
			end
			wake(base, KEYS[1])
			return out
			""", ScriptOutputType.MULTI);

	/**
	 * Take up to a number of requests for a consumer, by priority: levels from the highest down
	 * (the plain stream is level 0), within a level the lanes in turn (a fairness key's weight
	 * is how many it gives per turn), lanes whose requirement the worker's tags do not meet
	 * passed over. A level not served for the aging period gives one request first. A staged
	 * request moves to the laned stream and is read there by the consumer in the same step, so
	 * that it is leased, taken over and acknowledged as any stream entry. KEYS: plain stream,
	 * laned stream. ARGV: key base, group, consumer, wanted, aging ms (0 for none), ttl ms, tag
	 * count, the tags' names and values, then fairness keys and weights. Returns {{whether work
	 * this worker cannot take waits (1/0), whether any lane is left (1/0)}, then per request
	 * {1 for the plain stream or 2 for the laned one, entry id, fields}}.
	 */
	static final RedisScript TAKE = new RedisScript("""
			local base, group, me = ARGV[1], ARGV[2], ARGV[3]
			local want, aging, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
			local tags, weights = {}, {}
			local ntags = tonumber(ARGV[7])
			for i = 8, 7 + 2 * ntags, 2 do tags[ARGV[i]] = ARGV[i + 1] end
			for i = 8 + 2 * ntags, #ARGV, 2 do weights[ARGV[i]] = tonumber(ARGV[i + 1]) end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local levelsKey, servedKey, turnsKey = base .. 'levels', base .. 'served', base .. 'turns'
			local out = {{0, 0}}
			local unserved = 0
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
			local function stageTaken(level, lane, v)
			  local a = string.find(v, '\\n', 1, true)
			  local b = string.find(v, '\\n', a + 1, true)
			  local c = string.find(v, '\\n', b + 1, true)
			  local d = string.find(v, '\\n', c + 1, true)
			  redis.call('XADD', KEYS[2], '*', 'id', string.sub(v, c + 1, d - 1), 'body', string.sub(v, d + 1),
			    'deadline', string.sub(v, 1, a - 1), 'reply', string.sub(v, a + 1, b - 1), 'idem', string.sub(v, b + 1, c - 1),
			    'prio', level, 'lane', lane)
			  for _, e in ipairs(read(KEYS[2], 1)) do out[#out + 1] = {2, e[1], e[2]} end
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
			      local v = redis.call('LPOP', list)
			      if v then
			        redis.call('DECR', base .. 'staged')
			        stageTaken(level, lane, v)
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
			      end
			      redis.call('LPOP', ring)
			      redis.call('HDEL', turnsKey, level .. ':' .. lane)
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
			if aging > 0 then
			  for i = 2, #order do
			    if #out - 1 >= want then break end
			    local last = redis.call('HGET', servedKey, order[i])
			    if not last then
			      redis.call('HSET', servedKey, order[i], now)
			      redis.call('PEXPIRE', servedKey, ttl)
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
			out[1] = {unserved, redis.call('EXISTS', levelsKey)}
			return out
			""", ScriptOutputType.MULTI);

	/**
	 * Put a request taken from a lane but never started back at the head of its lane. KEYS:
	 * laned stream, plain stream. ARGV: key base, group, entry id, ttl ms, level, lane, then the
	 * entry: deadline, reply, idem, invocation id, body. Returns 1, or 0 when the entry was gone.
	 */
	static final RedisScript RETURN_LANED = new RedisScript(LANES + """
			redis.call('XACK', KEYS[1], ARGV[2], ARGV[3])
			if redis.call('XDEL', KEYS[1], ARGV[3]) == 0 then return 0 end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			stage(ARGV[1], ARGV[5], ARGV[6], ARGV[7] .. '\\n' .. ARGV[8] .. '\\n' .. ARGV[9] .. '\\n' .. ARGV[10] .. '\\n'
			  .. ARGV[11], true, ARGV[4], now)
			wake(ARGV[1], KEYS[2])
			return 1
			""", ScriptOutputType.INTEGER);

	/**
	 * Hold a request until it is due, by Redis' clock. KEYS: scheduled set (invocation id by due
	 * time), scheduled bodies hash. ARGV: invocation id, delay ms, timeout ms, reply key,
	 * idempotent (1/0), body, retention ms. Returns the due time (Redis ms).
	 */
	static final RedisScript SCHEDULE = new RedisScript("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local due = now + tonumber(ARGV[2])
			redis.call('ZADD', KEYS[1], due, ARGV[1])
			redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[6])
			local keep = tonumber(ARGV[2]) + tonumber(ARGV[3]) + tonumber(ARGV[7])
			if redis.call('PTTL', KEYS[1]) < keep then
			  redis.call('PEXPIRE', KEYS[1], keep)
			  redis.call('PEXPIRE', KEYS[2], keep)
			end
			return due
			""", ScriptOutputType.INTEGER);

	/**
	 * Move the requests that are due onto the queue (or into their lane), oldest due first, while
	 * it has room: their deadline is their due time plus their timeout. KEYS: scheduled set,
	 * scheduled bodies hash, requests stream, scheduled lanes hash. ARGV: most to move, capacity,
	 * retention ms, lane key base. Returns how late each moved request is, in ms.
	 */
	static final RedisScript MOVE_DUE = new RedisScript(LANES + """
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
			local out = {}
			if #due == 0 then return out end
			local base = ARGV[4]
			local length = redis.call('XLEN', KEYS[3]) + tonumber(redis.call('GET', base .. 'staged') or '0')
			local staged = false
			for i = 1, #due, 2 do
			  if length >= tonumber(ARGV[2]) then break end
			  local id, at = due[i], tonumber(due[i + 1])
			  local v = redis.call('HGET', KEYS[2], id)
			  local lane = redis.call('HGET', KEYS[4], id)
			  redis.call('ZREM', KEYS[1], id)
			  redis.call('HDEL', KEYS[2], id)
			  redis.call('HDEL', KEYS[4], id)
			  if v then
			    local a = string.find(v, '\\n', 1, true)
			    local b = string.find(v, '\\n', a + 1, true)
			    local c = string.find(v, '\\n', b + 1, true)
			    local deadline = at + tonumber(string.sub(v, 1, a - 1))
			    if lane then
			      local s = string.find(lane, '\\n', 1, true)
			      stage(base, string.sub(lane, 1, s - 1), string.sub(lane, s + 1), deadline .. '\\n' .. string.sub(v, a + 1, b - 1)
			        .. '\\n' .. string.sub(v, b + 1, c - 1) .. '\\n' .. id .. '\\n' .. string.sub(v, c + 1), false, ARGV[3], now)
			      staged = true
			    else
			      redis.call('XADD', KEYS[3], '*', 'id', id, 'body', string.sub(v, c + 1),
			        'deadline', deadline, 'reply', string.sub(v, a + 1, b - 1), 'idem', string.sub(v, b + 1, c - 1))
			    end
			    length = length + 1
			    out[#out + 1] = now - at
			  end
			end
			if staged then wake(base, KEYS[3]) end
			if #out > 0 and redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
			  redis.call('PEXPIRE', KEYS[3], ARGV[3])
			end
			return out
			""", ScriptOutputType.MULTI);

	/** Drop a request held until it is due. KEYS: scheduled set, bodies hash, lanes hash. ARGV: invocation id. Returns 1 when it was held. */
	static final RedisScript UNSCHEDULE = new RedisScript("""
			redis.call('HDEL', KEYS[2], ARGV[1])
			redis.call('HDEL', KEYS[3], ARGV[1])
			return redis.call('ZREM', KEYS[1], ARGV[1])
			""", ScriptOutputType.INTEGER);

	/**
	 * Take up to a number of a queue's global concurrency slots and start tokens for a consumer,
	 * dropping first the slots of consumers whose lease ran out (a worker that stopped). KEYS:
	 * slot counts hash (by consumer), slot leases set (consumer by expiry), start-token bucket.
	 * ARGV: consumer, wanted, concurrency limit (0 for none), lease ms, starts per period (0 for
	 * none), period ms. Returns how many were granted.
	 */
	static final RedisScript ACQUIRE_SLOTS = new RedisScript("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			for _, c in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
			  redis.call('HDEL', KEYS[1], c)
			  redis.call('ZREM', KEYS[2], c)
			end
			local grant = tonumber(ARGV[2])
			if tonumber(ARGV[3]) > 0 then
			  local used = 0
			  for _, v in ipairs(redis.call('HVALS', KEYS[1])) do used = used + tonumber(v) end
			  grant = math.min(grant, tonumber(ARGV[3]) - used)
			end
			if grant > 0 and tonumber(ARGV[5]) > 0 then
			  local cap, per = tonumber(ARGV[5]), tonumber(ARGV[6])
			  local b = redis.call('HMGET', KEYS[3], 'tokens', 'at')
			  local tokens = tonumber(b[1]) or cap
			  local at = tonumber(b[2]) or now
			  tokens = math.min(cap, tokens + (now - at) * cap / per)
			  grant = math.min(grant, math.floor(tokens))
			  if grant > 0 then tokens = tokens - grant end
			  redis.call('HSET', KEYS[3], 'tokens', tostring(tokens), 'at', now)
			  redis.call('PEXPIRE', KEYS[3], 10 * per)
			end
			if grant <= 0 then return 0 end
			redis.call('HINCRBY', KEYS[1], ARGV[1], grant)
			redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
			redis.call('PEXPIRE', KEYS[1], 10 * tonumber(ARGV[4]))
			redis.call('PEXPIRE', KEYS[2], 10 * tonumber(ARGV[4]))
			return grant
			""", ScriptOutputType.INTEGER);

	/** Give back start tokens taken for requests that did not come. KEYS: the bucket. ARGV: how many, capacity. */
	static final RedisScript REFUND_TOKENS = new RedisScript("""
			local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
			redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[2]), tokens + tonumber(ARGV[1]))))
			return 1
			""", ScriptOutputType.INTEGER);

	/** Give back a consumer's slots. KEYS: slot counts, slot leases. ARGV: consumer, how many. Returns what it still holds. */
	static final RedisScript RELEASE_SLOTS = new RedisScript("""
			local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -tonumber(ARGV[2]))
			if left <= 0 then
			  redis.call('HDEL', KEYS[1], ARGV[1])
			  redis.call('ZREM', KEYS[2], ARGV[1])
			  return 0
			end
			return left
			""", ScriptOutputType.INTEGER);

	/**
	 * Renew a consumer's slot lease. KEYS: slot counts, slot leases. ARGV: consumer, lease ms.
	 * Returns what it holds: 0 when its slots were dropped (its lease had run out).
	 */
	static final RedisScript RENEW_SLOTS = new RedisScript("""
			local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
			if held <= 0 then return 0 end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
			return held
			""", ScriptOutputType.INTEGER);

	/**
	 * Take over requests whose worker stopped renewing its lease, but not from a worker that is
	 * alive: a consumer that read or renewed within the visibility timeout keeps its requests
	 * (its renewals may only be late, say while one of its connections reconnects) until they
	 * have gone unrenewed for {@code stale} ms. This consumer's own requests count as alive.
	 * KEYS: requests stream, attempts hash, answered hash. ARGV: group, consumer, min idle ms,
	 * count, attempts retention ms, stale ms. Returns {entry id, fields or false when the caller
	 * cancelled it meanwhile, times taken over, the reply its worker stashed before it stopped or
	 * false}.
	 */
	static final RedisScript RECLAIM = new RedisScript("""
			local group, me, idle, want = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
			local stale = tonumber(ARGV[6])
			local alive = {[me] = true}
			for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], group)) do
			  local info = {}
			  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
			  if info['idle'] < idle then alive[info['name']] = true end
			end
			local out = {}
			local from = '-'
			local seen = 0
			while #out < want and seen < 1000 do
			  local pending = redis.call('XPENDING', KEYS[1], group, 'IDLE', idle, from, '+', 100)
			  if #pending == 0 then break end
			  for _, p in ipairs(pending) do
			    seen = seen + 1
			    if #out < want and (not alive[p[2]] or p[3] >= stale) then
			      local e = redis.call('XCLAIM', KEYS[1], group, me, idle, p[1])[1]
			      if e and e[2] then
			        table.insert(out, {e[1], e[2], redis.call('HINCRBY', KEYS[2], e[1], 1), redis.call('HGET', KEYS[3], e[1])})
			        redis.call('PEXPIRE', KEYS[2], ARGV[5])
			      else
			        redis.call('XACK', KEYS[1], group, p[1])
			        redis.call('HDEL', KEYS[2], p[1])
			      end
			    end
			  end
			  from = '(' .. pending[#pending][1]
			end
			return out
			""", ScriptOutputType.MULTI);

	/**
	 * Give back a request a worker took but never started (it is shutting down): it goes to the
	 * back of the queue for another worker, as a fresh delivery. KEYS: requests stream, attempts
	 * hash. ARGV: group, entry id, then the entry's fields and values.
	 */
	static final RedisScript RETURN = new RedisScript("""
			redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
			local deleted = redis.call('XDEL', KEYS[1], ARGV[2])
			redis.call('HDEL', KEYS[2], ARGV[2])
			if deleted == 0 then return false end
			local fields = {}
			for i = 3, #ARGV do table.insert(fields, ARGV[i]) end
			return redis.call('XADD', KEYS[1], '*', unpack(fields))
			""", ScriptOutputType.VALUE);

	/**
	 * Stash the replies of a batch in the queue's own slot before they are pushed: a worker that
	 * stops between the push and the acknowledgement leaves them there, and the worker that takes
	 * the request over sends the reply again instead of taking it for a call that may have run.
	 * KEYS: answered hash. ARGV: ttl ms, then entry id and reply pairs.
	 */
	static final RedisScript STASH = new RedisScript("""
			redis.call('HSET', KEYS[1], unpack(ARGV, 2))
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return 1
			""", ScriptOutputType.INTEGER);

	/**
	 * Answer callers of one process. KEYS: the caller's reply list. ARGV: ttl ms, refresh the ttl
	 * now (1/0: a worker asks once a second per list; a list the push creates always gets it),
	 * then the replies.
	 */
	static final RedisScript REPLY = new RedisScript("""
			local pushed = #ARGV - 2
			if redis.call('RPUSH', KEYS[1], unpack(ARGV, 3)) == pushed or ARGV[2] == '1' then
			  redis.call('PEXPIRE', KEYS[1], ARGV[1])
			end
			return pushed
			""", ScriptOutputType.INTEGER);

	/**
	 * Forget the consumers of workers that are gone: those holding no request and idle longer
	 * than a limit (a live worker reads again within seconds, and reading makes its consumer
	 * again anyway). KEYS: requests stream. ARGV: group, min idle ms, the asking consumer.
	 * Returns how many were removed.
	 */
	static final RedisScript FORGET = new RedisScript("""
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
			""", ScriptOutputType.INTEGER);

	/**
	 * Cancel a request: drop it if no worker read it, and mark it so that a worker running it stops.
	 * KEYS: requests stream, cancel marker. ARGV: entry id, ttl ms.
	 */
	static final RedisScript CANCEL = new RedisScript("""
			local deleted = redis.call('XDEL', KEYS[1], ARGV[1])
			redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
			return deleted
			""", ScriptOutputType.INTEGER);

	private RedisScripts() {
	}

}
