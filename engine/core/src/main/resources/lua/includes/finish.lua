-- Ending a delivery: release the job's slots, account its cost, announce it to watchers.
-- @include keys
-- @include index
-- @include slots

-- Takes a running job out of inflight and out of each concurrency key it holds (`held`: the
-- newline-separated suffixes recorded at lease time), pulling back queues waiting for those slots.
local function releaseSlots(P, id, held, now)
  rcall('ZREM', Key.inflight(P), id)
  for suffix in string.gmatch(held or '', '[^\n]+') do
    rcall('ZREM', Key.slots(P, suffix), id)
    pullBack(P, suffix, now)
  end
end

-- Exponentially decayed cost served per tenant: v(now) = v(t) * 2^(-(now-t)/halfLife) + cost.
local function addUsage(P, tenant, cost, now, halfLife)
  if cost <= 0 then return end
  local usage = Key.usage(P)
  local vals = rcall('HMGET', usage, 'v:' .. tenant, 't:' .. tenant)
  local v = tonumber(vals[1] or '0')
  local t = tonumber(vals[2] or now)
  v = v * math.pow(0.5, (now - t) / halfLife) + cost
  rcall('HSET', usage, 'v:' .. tenant, tostring(v), 't:' .. tenant, now)
end

-- Watchers (awaitCompletion) subscribe to the shard's done channel; only watched jobs publish.
-- `watched` is the job's w field when the caller already read it, else nil (read here).
local function announce(P, jobKey, id, watched)
  if watched == nil then watched = rcall('HGET', jobKey, 'w') end
  if watched == '1' then
    rcall('PUBLISH', Key.doneChannel(P), id)
  end
end

-- A delivery failed (nack, or its lease expired): retry at `retryAt`, or, when `dead` or out of
-- attempts, move the job to its tenant's dead-letter queue. Returns 'retry' or 'dead'.
local function failAttempt(P, jobKey, id, now, retryAt, err, dead)
  local f = rcall('HMGET', jobKey, 't', 'q', 'a', 'ma', 'lc')
  local tenant, qid, attempts, maxAttempts = f[1], f[2], tonumber(f[3]), tonumber(f[4])
  releaseSlots(P, id, f[5], now)
  rcall('HSET', jobKey, 'le', err)
  if dead or attempts >= maxAttempts then
    rcall('HSET', jobKey, 'st', 'dead', 'fa', now)
    rcall('ZADD', Key.deadLetters(P, tenant), now, id)
    announce(P, jobKey, id)
    return 'dead'
  end
  rcall('HSET', jobKey, 'st', 'failed', 'ra', retryAt)
  rcall('ZADD', Key.queue(P, qid), retryAt, id)
  lowerQueue(P, tenant, qid, retryAt, now)
  return 'retry'
end
