-- Tollgate replica heartbeat: who is live, and what each replica reports about itself.
--
-- KEYS[1]  tollgate:{replicas}        sorted set: replica id -> last seen (Redis time, ms)
-- KEYS[2]  tollgate:{replicas}:info   hash: replica id -> its attributes (opaque string)
-- ARGV[1]  this replica's id
-- ARGV[2]  expiry in ms: members not refreshed for that long are dropped
-- ARGV[3]  this replica's attributes
--
-- Returns {now, then per live replica: id, last seen, attributes}; this replica included.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - expiry))
for i = 1, #stale do
  redis.call('ZREM', KEYS[1], stale[i])
  redis.call('HDEL', KEYS[2], stale[i])
end
redis.call('PEXPIRE', KEYS[1], expiry)
redis.call('PEXPIRE', KEYS[2], expiry)

local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = { now }
for i = 1, #members, 2 do
  out[#out + 1] = members[i]
  out[#out + 1] = tonumber(members[i + 1])
  out[#out + 1] = redis.call('HGET', KEYS[2], members[i]) or ''
end
return out
