-- Asks a shared circuit breaker for permission to call once its open period may be over. Moves an
-- expired OPEN breaker to HALF_OPEN with a fresh stock of trial permits, and hands out at most
-- halfOpenCalls permits across the whole cluster.
-- KEYS[1] state hash tollgate:cb:{name}:state
-- ARGV: name, channel, halfOpenCalls, trialTimeoutMs
-- Returns {state, remainingOpenMs, version, verdict}: verdict TRIAL = trial permit granted,
-- DENIED = no permit, PASS = breaker is (force-)closed, call normally.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local halfOpenCalls = tonumber(ARGV[3])
local trialTimeoutMs = tonumber(ARGV[4])

local state = redis.call('HGET', KEYS[1], 'state') or 'CLOSED'
local ver = redis.call('HGET', KEYS[1], 'ver') or '0'

if state == 'CLOSED' or state == 'FORCED_CLOSED' then
  return {state, 0, ver, 'PASS'}
end
if state == 'FORCED_OPEN' then
  return {state, 0, ver, 'DENIED'}
end
if state == 'OPEN' then
  local remaining = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') - nowMs
  if remaining > 0 then
    return {state, remaining, ver, 'DENIED'}
  end
  local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
  if v <= tonumber(ver) then v = tonumber(ver) + 1 end
  ver = string.format('%.0f', v)
  state = 'HALF_OPEN'
  redis.call('HSET', KEYS[1], 'state', state, 'ver', ver, 'permits', halfOpenCalls, 'tok', 0, 'tbad', 0,
    'hdl', nowMs + trialTimeoutMs, 'cause', 'wait')
  redis.call('HDEL', KEYS[1], 'until')
  redis.call('PUBLISH', ARGV[2], ARGV[1] .. '|HALF_OPEN|0|' .. ver .. '|wait')
end

-- HALF_OPEN
local permits = tonumber(redis.call('HGET', KEYS[1], 'permits') or '0')
if permits <= 0 and nowMs > tonumber(redis.call('HGET', KEYS[1], 'hdl') or '0') then
  -- trials handed out long ago never reported (their replica died or lost Redis): re-issue them
  local reported = tonumber(redis.call('HGET', KEYS[1], 'tok') or '0') + tonumber(redis.call('HGET', KEYS[1], 'tbad') or '0')
  permits = halfOpenCalls - reported
  redis.call('HSET', KEYS[1], 'permits', permits, 'hdl', nowMs + trialTimeoutMs)
end
if permits > 0 then
  redis.call('HINCRBY', KEYS[1], 'permits', -1)
  return {state, 0, ver, 'TRIAL'}
end
return {state, 0, ver, 'DENIED'}
