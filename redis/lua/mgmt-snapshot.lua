-- Tollgate management store: every resource at one revision, read atomically.
--
-- KEYS[1]  tollgate:{mgmt}:head
-- KEYS[2 .. 1+K]  tollgate:{mgmt}:res:<kind>
--
-- Returns {revision, then per kind in KEYS order: count, then count pairs of id, "<revision>:<json>"}.

local out = { redis.call('HGET', KEYS[1], 'revision') or '0' }
for i = 2, #KEYS do
  local all = redis.call('HGETALL', KEYS[i])
  out[#out + 1] = #all / 2
  for j = 1, #all do
    out[#out + 1] = all[j]
  end
end
return out
