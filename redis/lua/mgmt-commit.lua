-- Tollgate management store: commit one batch of writes as one new global revision, atomically.
--
-- KEYS[1]  tollgate:{mgmt}:head      hash: revision, seq (audit), hash (audit head), floor (feed)
-- KEYS[2]  tollgate:{mgmt}:uniq      hash: unique value -> holder "<kind>:<id>"
-- KEYS[3]  tollgate:{mgmt}:held      hash: holder "<kind>:<id>" -> JSON array of the unique values it holds
-- KEYS[4]  tollgate:{mgmt}:changes   sorted set: "<revision>|<kind>|<id>" scored by revision
-- KEYS[5]  tollgate:{mgmt}:audit     list of sealed audit entries (JSON), newest first
-- KEYS[6 .. 5+K]     tollgate:{mgmt}:res:<kind>  hash: id -> "<revision>:<json>"
-- KEYS[6+K .. 5+2K]  tollgate:{mgmt}:ids:<kind>  sorted set of ids (score 0), for paging by id
-- ARGV[1]  the K kinds, comma separated, in the order of their KEYS
-- ARGV[2]  the head revision the batch was prepared against (compare-and-set)
-- ARGV[3]  the new revision (ARGV[2] + 1)
-- ARGV[4]  the channel announcing committed revisions
-- ARGV[5]  how many change entries the feed keeps
-- ARGV[6]  how many audit entries the log keeps
-- ARGV[7]  the audit seq after this batch
-- ARGV[8]  the audit head hash after this batch
-- ARGV[9]  the number of writes, then per write:
--          kind, id, op (put | delete), json ('' for a delete),
--          precondition (any | revision | exists | absent), its revision, the sealed audit entry,
--          the number of unique values, the unique values
--
-- Returns {'ok', revision}, {'moved', head revision} when another batch committed first (nothing
-- written: seal again and retry), or {'rejected', write index from 0, reason, detail} (nothing written).

local head, uniq, held, changes, audit = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

local kinds, nkinds = {}, 0
for path in string.gmatch(ARGV[1], '[^,]+') do
  nkinds = nkinds + 1
  kinds[path] = nkinds
end

local current = redis.call('HGET', head, 'revision') or '0'
if current ~= ARGV[2] then
  return { 'moved', current }
end
local rev = ARGV[3]

local writes, bySelf = {}, {}
local n = tonumber(ARGV[9])
local a = 10
for i = 1, n do
  local w = { kind = ARGV[a], id = ARGV[a + 1], op = ARGV[a + 2], json = ARGV[a + 3], pre = ARGV[a + 4],
    prerev = ARGV[a + 5], entry = ARGV[a + 6], uniques = {}, has = {} }
  local nu = tonumber(ARGV[a + 7])
  for j = 1, nu do
    local u = ARGV[a + 7 + j]
    w.uniques[j] = u
    w.has[u] = true
  end
  a = a + 8 + nu
  local k = kinds[w.kind]
  if not k then
    return redis.error_reply('unknown kind ' .. tostring(w.kind))
  end
  w.res = KEYS[5 + k]
  w.ids = KEYS[5 + nkinds + k]
  w.self = w.kind .. ':' .. w.id
  writes[i] = w
  bySelf[w.self] = bySelf[w.self] or {}
  table.insert(bySelf[w.self], w)
end

local function revisionOf(envelope)
  local colon = string.find(envelope, ':', 1, true)
  if colon then
    return string.sub(envelope, 1, colon - 1)
  end
  return '0'
end

-- a value held by a resource this batch rewrites without it (or deletes) is free
local function freedInBatch(holder, u)
  local others = bySelf[holder]
  if not others then
    return false
  end
  for _, o in ipairs(others) do
    if not o.has[u] then
      return true
    end
  end
  return false
end

-- check everything first: all or nothing
local claimed = {}
for i = 1, n do
  local w = writes[i]
  local envelope = redis.call('HGET', w.res, w.id)
  if w.op == 'delete' and not envelope then
    return { 'rejected', i - 1, 'NOT_FOUND', '' }
  end
  local holds
  if w.pre == 'any' then
    holds = true
  elseif w.pre == 'revision' then
    holds = envelope and revisionOf(envelope) == w.prerev
  elseif w.pre == 'exists' then
    holds = envelope and true
  elseif w.pre == 'absent' then
    holds = not envelope
  else
    return redis.error_reply('unknown precondition ' .. tostring(w.pre))
  end
  if not holds then
    return { 'rejected', i - 1, 'PRECONDITION_FAILED', '' }
  end
  for _, u in ipairs(w.uniques) do
    local holder = redis.call('HGET', uniq, u)
    if (holder and holder ~= w.self and not freedInBatch(holder, u)) or (claimed[u] and claimed[u] ~= w.self) then
      return { 'rejected', i - 1, 'CONFLICT', u }
    end
    claimed[u] = w.self
  end
end

for i = 1, n do
  local w = writes[i]
  local old = redis.call('HGET', held, w.self)
  if old then
    for _, u in ipairs(cjson.decode(old)) do
      if redis.call('HGET', uniq, u) == w.self then
        redis.call('HDEL', uniq, u)
      end
    end
    redis.call('HDEL', held, w.self)
  end
  if w.op == 'delete' then
    redis.call('HDEL', w.res, w.id)
    redis.call('ZREM', w.ids, w.id)
  else
    redis.call('HSET', w.res, w.id, rev .. ':' .. w.json)
    redis.call('ZADD', w.ids, 0, w.id)
    if #w.uniques > 0 then
      redis.call('HSET', held, w.self, cjson.encode(w.uniques))
      for _, u in ipairs(w.uniques) do
        redis.call('HSET', uniq, u, w.self)
      end
    end
  end
  redis.call('ZADD', changes, rev, rev .. '|' .. w.kind .. '|' .. w.id)
  redis.call('LPUSH', audit, w.entry)
end

-- the feed drops whole revisions, oldest first; 'floor' is the newest revision dropped, so
-- changes since an older revision are a gap
local feedLength = tonumber(ARGV[5])
local size = redis.call('ZCARD', changes)
if size > feedLength then
  local last = redis.call('ZRANGE', changes, size - feedLength - 1, size - feedLength - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYSCORE', changes, '-inf', last[2])
  redis.call('HSET', head, 'floor', last[2])
end
redis.call('LTRIM', audit, 0, tonumber(ARGV[6]) - 1)
redis.call('HSET', head, 'revision', rev, 'seq', ARGV[7], 'hash', ARGV[8])
redis.call('PUBLISH', ARGV[4], rev)
return { 'ok', rev }
