-- Tollgate management store: one page of a kind's resources, by id.
--
-- KEYS[1]  tollgate:{mgmt}:res:<kind>
-- KEYS[2]  tollgate:{mgmt}:ids:<kind>
-- ARGV[1]  the id to start after ('' from the first)
-- ARGV[2]  the page size
--
-- Returns {count, then count pairs of id, "<revision>:<json>"}.

local min = '-'
if ARGV[1] ~= '' then
  min = '(' .. ARGV[1]
end
local ids = redis.call('ZRANGEBYLEX', KEYS[2], min, '+', 'LIMIT', 0, tonumber(ARGV[2]))
local out = { 0 }
for _, id in ipairs(ids) do
  local envelope = redis.call('HGET', KEYS[1], id)
  if envelope then
    out[#out + 1] = id
    out[#out + 1] = envelope
    out[1] = out[1] + 1
  end
end
return out
