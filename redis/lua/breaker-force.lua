-- Operator override of a shared circuit breaker: FORCED_OPEN, FORCED_CLOSED, or RESET (back to
-- CLOSED with an empty window). Announced to every replica.
-- KEYS[1] state hash tollgate:cb:{name}:state, KEYS[2] window hash tollgate:cb:{name}:win
-- ARGV: name, channel, action (FORCED_OPEN | FORCED_CLOSED | RESET)
-- Returns {state, remainingOpenMs, version}
local t = redis.call('TIME')
local old = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
if v <= old then v = old + 1 end
local ver = string.format('%.0f', v)
local state = ARGV[3]
if state == 'RESET' then
  state = 'CLOSED'
elseif state ~= 'FORCED_OPEN' and state ~= 'FORCED_CLOSED' then
  return redis.error_reply('unknown breaker action ' .. tostring(ARGV[3]))
end
redis.call('HSET', KEYS[1], 'state', state, 'ver', ver, 'cause', 'operator')
redis.call('HDEL', KEYS[1], 'until', 'permits', 'tok', 'tbad', 'hdl')
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[1] .. '|' .. state .. '|0|' .. ver .. '|operator')
return {state, 0, ver}
