-- Tollgate management store: the resource holding a unique value.
--
-- KEYS[1]  tollgate:{mgmt}:uniq
-- KEYS[2 .. 1+K]  tollgate:{mgmt}:res:<kind>
-- ARGV[1]  the K kinds, comma separated, in the order of their KEYS
-- ARGV[2]  the unique value ("<index>:<value>")
--
-- Returns {0} when no resource holds it, else {1, kind, id, "<revision>:<json>"}.

local kinds, nkinds = {}, 0
for path in string.gmatch(ARGV[1], '[^,]+') do
  nkinds = nkinds + 1
  kinds[path] = nkinds
end
local holder = redis.call('HGET', KEYS[1], ARGV[2])
if not holder then
  return { 0 }
end
local colon = string.find(holder, ':', 1, true)
if not colon then
  return { 0 }
end
local kind, id = string.sub(holder, 1, colon - 1), string.sub(holder, colon + 1)
local k = kinds[kind]
if not k then
  return { 0 }
end
local envelope = redis.call('HGET', KEYS[1 + k], id)
if not envelope then
  return { 0 }
end
return { 1, kind, id, envelope }
