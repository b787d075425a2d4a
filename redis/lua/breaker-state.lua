-- Reads a shared circuit breaker's state with the time left in OPEN measured on the Redis clock.
-- KEYS[1] state hash tollgate:cb:{name}:state
-- Returns {state, remainingOpenMs, version}
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fields = redis.call('HMGET', KEYS[1], 'state', 'until', 'ver')
local state = fields[1] or 'CLOSED'
local remaining = 0
if state == 'OPEN' then
  remaining = tonumber(fields[2] or '0') - nowMs
end
return {state, remaining, fields[3] or '0'}
