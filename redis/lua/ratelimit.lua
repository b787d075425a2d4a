-- Tollgate ClusterRateLimit: checks every limit of one request and consumes from all of them or from none.
--
-- KEYS[i]  one key per limit; all keys of one request share a hash tag (same cluster slot).
-- ARGV[1]  now: the calling replica's clock, in microseconds since the epoch (replica clocks are kept in step by
--          NTP; a replica whose clock runs d ahead admits at most d / (period / N) more per key and limit).
-- ARGV[2]  cost: units this request consumes from every limit.
-- ARGV[2 + 3(i-1) + 1..3]  per limit i: algorithm ("g" gcra | "f" fixed-window | "s" sliding-window),
--          count N, period in ms (> 0) or a negative number -M for M calendar months (fixed-window only).
--
-- Returns {allowed, then per limit: allowed, remaining, reset ms, retry-after ms}. retry-after is 0 when the limit
-- would admit the request and -1 when it never can (cost > N).
--
-- Commands: a gcra limit whose key is idle (its theoretical arrival time has passed, the usual case below the rate)
-- costs one command: SET ... GET writes the answer for an idle key and returns the stored state at once. A busy key
-- (a burst), a refusal, or a fixed or sliding window costs two.

local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local n = #KEYS
if n == 0 or #ARGV ~= 2 + 3 * n or now == nil or cost == nil or cost < 0 then
  return redis.error_reply('tollgate ratelimit: expected now, cost and 3 arguments per key')
end
now = now / 1000

-- GCRA keeps doubles near 1.7e12 ms, where float steps are about 0.25 us: tolerate 1 us of rounding (less for
-- limits faster than 250,000 per second and key, whose exactness is bounded by that resolution).
local EPS = 0.001
local floor, ceil, max = math.floor, math.ceil, math.max

-- Howard Hinnant's days <-> civil date conversions (proleptic Gregorian, UTC).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m
end

local function month_start(index)
  return days_from_civil(1970 + floor(index / 12), index % 12 + 1, 1) * 86400000
end

-- [start, end) of the UTC-aligned fixed window holding now.
local function window(period)
  if period > 0 then
    local ws = floor(now / period) * period
    return ws, ws + period
  end
  local months = -period
  local y, m = civil_from_days(floor(now / 86400000))
  local index = (y - 1970) * 12 + (m - 1)
  index = index - index % months
  return month_start(index), month_start(index + months)
end

local function split(value)
  local parts = {}
  for p in string.gmatch(value, '[^:]+') do parts[#parts + 1] = tonumber(p) end
  return parts
end

local results = {}
local writes = {}
-- gcra keys are written ahead: exact[i] when that write is already the answer if all limits admit the request,
-- ahead[i] the state to put back ('del' for none) if they do not
local ahead, exact = {}, {}
local all = 1

for i = 1, n do
  local base = 2 + 3 * (i - 1)
  local algo = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local period = tonumber(ARGV[base + 3])
  local stored
  -- left: units left now; after: units left once this request is consumed
  local ok, left, after, reset, retry, value, ttl

  if algo == 'g' then
    local interval = period / limit
    local idle_tat = now + cost * interval
    stored = redis.call('SET', KEYS[i], string.format('%.17g', idle_tat), 'PX', max(1, ceil(idle_tat - now)), 'GET')
    local tat = now
    if stored then tat = max(tonumber(stored), now) end
    local new_tat = tat + cost * interval
    local eps = math.min(EPS, interval / 4)
    ok = new_tat - now <= period + eps
    left = floor((period - (tat - now)) / interval + eps)
    if ok then
      after = floor((period - (new_tat - now)) / interval + eps)
      reset = new_tat - now
      retry = 0
      value = string.format('%.17g', new_tat)
      ttl = ceil(new_tat - now)
    else
      reset = tat - now
      retry = cost > limit and -1 or new_tat - now - period
    end
    -- what to put back if the request is refused: an idle state is no state
    ahead[i] = tat == now and 'del' or stored
    exact[i] = ok and tat == now
  elseif algo == 'f' then
    stored = redis.call('GET', KEYS[i])
    local ws, we = window(period)
    local count = 0
    if stored then
      local s = split(stored)
      if s[1] == ws then count = s[2] end
    end
    ok = count + cost <= limit
    reset = we - now
    left = limit - count
    if ok then
      after = limit - count - cost
      retry = 0
      value = string.format('%d:%d', ws, count + cost)
      ttl = ceil(we - now)
    else
      retry = cost > limit and -1 or we - now
    end
  elseif algo == 's' then
    stored = redis.call('GET', KEYS[i])
    if period <= 0 then
      return redis.error_reply('tollgate ratelimit: sliding-window needs a fixed period')
    end
    local ws = floor(now / period) * period
    local curr, prev = 0, 0
    if stored then
      local s = split(stored)
      if s[1] == ws then
        curr, prev = s[2], s[3]
      elseif s[1] == ws - period then
        prev = s[2]
      end
    end
    local elapsed = now - ws
    local estimate = prev * (period - elapsed) / period + curr
    ok = estimate + cost <= limit + EPS
    left = floor(limit - estimate + EPS)
    if ok then
      after = floor(limit - estimate - cost + EPS)
      retry = 0
      reset = ws + 2 * period - now
      value = string.format('%d:%d:%d', ws, curr + cost, prev)
      ttl = ceil(ws + 2 * period - now)
    else
      if curr > 0 then reset = ws + 2 * period - now else reset = ws + period - now end
      if cost > limit then
        retry = -1
      elseif curr + cost <= limit then
        -- admitted later in this window, once enough of the previous window's weight has slid out
        retry = ws + period - period * (limit - curr - cost) / prev - now
      else
        -- admitted in the next window, once this window's weight has slid out far enough
        retry = ws + period - now + max(0, period - period * (limit - cost) / curr)
      end
    end
  else
    return redis.error_reply('tollgate ratelimit: unknown algorithm ' .. tostring(algo))
  end

  if not ok then all = 0 end
  if retry > 0 then retry = max(1, ceil(retry)) end
  results[#results + 1] = ok and 1 or 0
  results[#results + 1] = max(0, left)
  results[#results + 1] = max(0, ceil(reset))
  results[#results + 1] = retry
  writes[i] = { value, max(1, ttl or 1), max(0, after or 0) }
end

if all == 1 then
  for i = 1, n do
    if not exact[i] then
      redis.call('SET', KEYS[i], writes[i][1], 'PX', writes[i][2])
    end
    results[4 * i - 2] = writes[i][3]
  end
else
  -- refused: every key written ahead gets its state back, as if nothing had been consumed
  for i = 1, n do
    local old = ahead[i]
    if old == 'del' then
      redis.call('DEL', KEYS[i])
    elseif old ~= nil then
      redis.call('SET', KEYS[i], old, 'PX', max(1, ceil(tonumber(old) - now)))
    end
  end
end

table.insert(results, 1, all)
return results
