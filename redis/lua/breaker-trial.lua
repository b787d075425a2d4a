-- Reports the outcome of one half-open trial call. Closes the breaker for everyone once the good
-- trials make the failure-rate threshold unreachable, reopens it once the bad ones reach it. A
-- RELEASE gives the permit back: the call never reached the upstream (the gateway refused it or
-- the client went away), so it says nothing about the upstream.
-- KEYS[1] state hash tollgate:cb:{name}:state, KEYS[2] window hash tollgate:cb:{name}:win
-- ARGV: name, channel, version of the half-open period the permit came from,
--       outcome (GOOD | BAD | RELEASE), halfOpenCalls, failureRateThreshold, waitInOpenMs
-- Returns {state, remainingOpenMs, version}
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HGET', KEYS[1], 'state') or 'CLOSED'
local ver = redis.call('HGET', KEYS[1], 'ver') or '0'
if state ~= 'HALF_OPEN' or ver ~= ARGV[3] then
  local remaining = 0
  if state == 'OPEN' then
    remaining = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') - nowMs
  end
  return {state, remaining, ver}
end

if ARGV[4] == 'RELEASE' then
  local permits = tonumber(redis.call('HGET', KEYS[1], 'permits') or '0')
  if permits < tonumber(ARGV[5]) then
    redis.call('HINCRBY', KEYS[1], 'permits', 1)
  end
  return {state, 0, ver}
end

local good, bad
if ARGV[4] == 'GOOD' then
  good = redis.call('HINCRBY', KEYS[1], 'tok', 1)
  bad = tonumber(redis.call('HGET', KEYS[1], 'tbad') or '0')
else
  bad = redis.call('HINCRBY', KEYS[1], 'tbad', 1)
  good = tonumber(redis.call('HGET', KEYS[1], 'tok') or '0')
end
local n = tonumber(ARGV[5])
local threshold = tonumber(ARGV[6])

local function nextVersion()
  local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
  if v <= tonumber(ver) then v = tonumber(ver) + 1 end
  return string.format('%.0f', v)
end

if bad * 100 >= threshold * n then
  local waitMs = tonumber(ARGV[7])
  ver = nextVersion()
  redis.call('HSET', KEYS[1], 'state', 'OPEN', 'until', nowMs + waitMs, 'ver', ver, 'cause', 'trial')
  redis.call('HDEL', KEYS[1], 'permits', 'tok', 'tbad', 'hdl')
  redis.call('PUBLISH', ARGV[2], ARGV[1] .. '|OPEN|' .. waitMs .. '|' .. ver .. '|trial')
  return {'OPEN', waitMs, ver}
end
if good * 100 > (100 - threshold) * n then
  ver = nextVersion()
  redis.call('HSET', KEYS[1], 'state', 'CLOSED', 'ver', ver, 'cause', 'trial')
  redis.call('HDEL', KEYS[1], 'until', 'permits', 'tok', 'tbad', 'hdl')
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[2], ARGV[1] .. '|CLOSED|0|' .. ver .. '|trial')
  return {'CLOSED', 0, ver}
end
return {state, 0, ver}
