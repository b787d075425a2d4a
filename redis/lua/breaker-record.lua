-- Adds one replica's batched outcomes to a shared circuit breaker's time-based window and opens
-- the breaker when the cluster-wide rates cross their thresholds.
-- KEYS[1] state hash  tollgate:cb:{name}:state   (state, until, ver, cause, permits, tok, tbad, hdl)
-- KEYS[2] window hash tollgate:cb:{name}:win     (<epoch second>:c|f|s -> count)
-- ARGV: name, channel, calls, failures, slow, windowSeconds, minimumCalls,
--       failureRateThreshold, slowCallRateThreshold, waitInOpenMs
-- Returns {state, remainingOpenMs, version}
local t = redis.call('TIME')
local sec = tonumber(t[1])
local nowMs = sec * 1000 + math.floor(tonumber(t[2]) / 1000)

local function nextVersion()
  local v = sec * 1000000 + tonumber(t[2])
  local old = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
  if v <= old then v = old + 1 end
  return string.format('%.0f', v)
end

local state = redis.call('HGET', KEYS[1], 'state') or 'CLOSED'
local ver = redis.call('HGET', KEYS[1], 'ver') or '0'

if state ~= 'CLOSED' then
  -- outcomes of calls that started before the breaker left CLOSED do not count
  local remaining = 0
  if state == 'OPEN' then
    remaining = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') - nowMs
  end
  return {state, remaining, ver}
end

local calls, failures, slow = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local windowSeconds = tonumber(ARGV[6])
if calls > 0 then
  redis.call('HINCRBY', KEYS[2], sec .. ':c', calls)
  if failures > 0 then redis.call('HINCRBY', KEYS[2], sec .. ':f', failures) end
  if slow > 0 then redis.call('HINCRBY', KEYS[2], sec .. ':s', slow) end
  redis.call('PEXPIRE', KEYS[2], (windowSeconds + 5) * 1000)
end

local oldest = sec - windowSeconds + 1
local totals = {c = 0, f = 0, s = 0}
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  local field = entries[i]
  local colon = string.find(field, ':', 1, true)
  local bucket = tonumber(string.sub(field, 1, colon - 1))
  if bucket < oldest then
    redis.call('HDEL', KEYS[2], field)
  else
    local kind = string.sub(field, colon + 1)
    totals[kind] = totals[kind] + tonumber(entries[i + 1])
  end
end

local minimumCalls = tonumber(ARGV[7])
local failureThreshold, slowThreshold = tonumber(ARGV[8]), tonumber(ARGV[9])
if totals.c > 0 and totals.c >= minimumCalls
    and (totals.f * 100 >= failureThreshold * totals.c or totals.s * 100 >= slowThreshold * totals.c) then
  local waitMs = tonumber(ARGV[10])
  ver = nextVersion()
  redis.call('HSET', KEYS[1], 'state', 'OPEN', 'until', nowMs + waitMs, 'ver', ver, 'cause', 'rate')
  redis.call('HDEL', KEYS[1], 'permits', 'tok', 'tbad', 'hdl')
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[2], ARGV[1] .. '|OPEN|' .. waitMs .. '|' .. ver .. '|rate')
  return {'OPEN', waitMs, ver}
end
return {'CLOSED', 0, ver}
