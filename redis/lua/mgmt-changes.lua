-- Tollgate management store: what changed after a revision, with the current state of each
-- changed resource, read atomically.
--
-- KEYS[1]  tollgate:{mgmt}:head
-- KEYS[2]  tollgate:{mgmt}:changes
-- KEYS[3 .. 2+K]  tollgate:{mgmt}:res:<kind>
-- ARGV[1]  the K kinds, comma separated, in the order of their KEYS
-- ARGV[2]  the revision the caller has
--
-- Returns {revision, 'gap'} when the feed no longer reaches back that far (or the store is behind
-- the caller: it was reset), else {revision, 'changes', then per resource, oldest change first:
-- 'put', kind, id, "<revision>:<json>" | 'delete', kind, id, revision of the delete}.

local kinds, nkinds = {}, 0
for path in string.gmatch(ARGV[1], '[^,]+') do
  nkinds = nkinds + 1
  kinds[path] = nkinds
end

local rev = redis.call('HGET', KEYS[1], 'revision') or '0'
local floor = redis.call('HGET', KEYS[1], 'floor') or '0'
local since = tonumber(ARGV[2])
if since > tonumber(rev) or since < tonumber(floor) then
  return { rev, 'gap' }
end
local out = { rev, 'changes' }
if since == tonumber(rev) then
  return out
end

local last, order = {}, {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')) do
  local p1 = string.find(member, '|', 1, true)
  local p2 = p1 and string.find(member, '|', p1 + 1, true)
  if p2 then
    local key = string.sub(member, p1 + 1)
    if not last[key] then
      order[#order + 1] = key
    end
    last[key] = { string.sub(member, 1, p1 - 1), string.sub(member, p1 + 1, p2 - 1), string.sub(member, p2 + 1) }
  end
end

for _, key in ipairs(order) do
  local change = last[key]
  local k = kinds[change[2]]
  if k then
    local envelope = redis.call('HGET', KEYS[2 + k], change[3])
    if envelope then
      out[#out + 1] = 'put'
      out[#out + 1] = change[2]
      out[#out + 1] = change[3]
      out[#out + 1] = envelope
    else
      out[#out + 1] = 'delete'
      out[#out + 1] = change[2]
      out[#out + 1] = change[3]
      out[#out + 1] = change[1]
    end
  end
end
return out
