-- Tollgate management store: a page of the audit log, newest first, positioned by seq so that
-- commits (which push at the head and trim the tail) do not shift it.
--
-- KEYS[1]  tollgate:{mgmt}:head
-- KEYS[2]  tollgate:{mgmt}:audit
-- ARGV[1]  the seq of the newest entry wanted (0: the newest there is)
-- ARGV[2]  the page size
--
-- Returns {head seq, head hash, retained entries, then up to ARGV[2] entries (JSON), newest first}.

local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local hash = redis.call('HGET', KEYS[1], 'hash') or '0'
local out = { seq, hash, redis.call('LLEN', KEYS[2]) }
local from = tonumber(ARGV[1])
local start = 0
if from > 0 then
  start = seq - from
end
if start < 0 then
  return out
end
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], start, start + tonumber(ARGV[2]) - 1)) do
  out[#out + 1] = entry
end
return out
