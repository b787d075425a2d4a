-- Tollgate ClusterRateLimit replica heartbeat: one sorted set of replica id -> last seen (server time, ms).
-- Members not refreshed within ARGV[2] ms are dropped; the set itself expires once every replica is gone.
--
-- KEYS[1]  the heartbeat set
-- ARGV[1]  this replica's id
-- ARGV[2]  expiry in ms
-- Returns the number of live replicas, this one included.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - expiry))
redis.call('PEXPIRE', KEYS[1], expiry)
return redis.call('ZCARD', KEYS[1])
