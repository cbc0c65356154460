-- Ending a delivery: release the job's slots, settle its cost, announce it to watchers.
-- @include keys
-- @include slots
-- @include fair
-- @include counts

-- Takes a running job out of inflight and out of each concurrency key it holds (`held`: the
-- newline-separated suffixes recorded at lease time), pulling back what waits for those slots.
local function releaseSlots(P, id, held, now)
  rcall('ZREM', Key.inflight(P), id)
  for suffix in string.gmatch(held or '', '[^\n]+') do
    rcall('ZREM', Key.slots(P, suffix), id)
    pullBack(P, suffix, now)
  end
end

-- The claim charged the tenant an estimate (the job's ec field, in ms): now that the cost is
-- known, charge the difference (divided by the tenant's weight, as the claim did), and move the
-- tenant's estimate toward it (an exponential average, weight 1/4 per job). A tenant's first
-- costs also feed the function's average, the first estimate of the next newcomer. Costs under
-- 1 ms count as 1 ms: no job is free. In the steady state (the estimate is the cost) this is two
-- reads and nothing else.
local function settleCost(P, tenant, fn, charged, cost, weighted, retention)
  if cost < 1 then cost = 1 end
  local state = Key.tenantTime(P, tenant)
  local own = rcall('HGET', state, 'c:' .. fn)
  if own then
    own = tonumber(own)
    local next = own + (cost - own) / 4
    if math.abs(next - own) > 0.001 then rcall('HSET', state, 'c:' .. fn, string.format('%.6g', next)) end
  else
    rcall('HSET', state, 'c:' .. fn, cost)
    local avg = tonumber(rcall('HGET', Key.costs(P), fn) or cost)
    rcall('HSET', Key.costs(P), fn, string.format('%.6g', avg + (cost - avg) / 8))
  end
  if charged == nil or math.abs(cost - charged) < 0.001 then return end
  local weight = 1
  if weighted then weight = planOf(P, tenant) end
  chargeTenant(P, tenant, nil, (cost - charged) / weight, retention)
end

-- Watchers (awaitCompletion) subscribe to the shard's done channel; only watched jobs publish.
-- `watched` is the job's w field when the caller already read it, else nil (read here).
local function announce(P, jobKey, id, watched)
  if watched == nil then watched = rcall('HGET', jobKey, 'w') end
  if watched == '1' then
    rcall('PUBLISH', Key.doneChannel(P), id)
  end
end

-- When a failed attempt runs again: the function's retry policy (base ms, factor, cap ms, in the
-- shard's retry hash) with full jitter (`u` uniform in [0, 1)), unless `retryAt` (>= 0) says.
local function retryTime(P, fn, attempts, now, retryAt, u)
  if retryAt >= 0 then return retryAt end
  local policy = rcall('HGET', Key.retryPolicies(P), fn)
  if not policy then return now end
  local base, factor, cap = string.match(policy, '^([^,]+),([^,]+),([^,]+)$')
  local delay = tonumber(base) * math.pow(tonumber(factor), math.max(0, attempts - 1))
  if delay > tonumber(cap) then delay = tonumber(cap) end
  return now + math.floor(delay * u)
end

-- A delivery failed (nack, or its lease expired): retry at `retryAt`, or, when `dead` or out of
-- attempts, move the job to its tenant's dead-letter queue. Returns 'retry' or 'dead'.
local function failAttempt(P, jobKey, id, now, retryAt, err, dead)
  local f = rcall('HMGET', jobKey, 'q', 'a', 'ma', 'lc')
  local qid, attempts, maxAttempts = f[1], tonumber(f[2]), tonumber(f[3])
  local tenant = Key.tenantOfQueue(qid)
  releaseSlots(P, id, f[4], now)
  countRunning(P, qid, -1)
  rcall('HSET', jobKey, 'le', err)
  rcall('HDEL', jobKey, 'ec')
  if dead or attempts >= maxAttempts then
    rcall('HSET', jobKey, 'st', 'dead', 'fa', now)
    rcall('ZADD', Key.deadLetters(P, tenant), now, id)
    countDead(P, qid, 1)
    announce(P, jobKey, id)
    return 'dead'
  end
  rcall('HSET', jobKey, 'st', 'failed', 'ra', retryAt)
  rcall('ZADD', Key.queue(P, qid), retryAt, id)
  countQueued(P, qid, 1)
  queueJoined(P, qid, retryAt, now)
  return 'retry'
end
