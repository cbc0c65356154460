-- Ending a delivery: release the job's slots, settle its cost, announce it to watchers.
-- @include keys
-- @include slots
-- @include fair
-- @include counts

-- Takes a running job out of inflight and out of each concurrency key it holds (`held`: the
-- newline-separated suffixes recorded at lease time), pulling back what waits for those slots.
-- With `gone` (a list), the inflight entry is left for the caller to remove with the batch's
-- one ZREM (the id is appended); the slots are freed at once, as limits must see them free.
local function releaseSlots(P, id, held, now, gone)
  if gone then gone[#gone + 1] = id else rcall('ZREM', Key.inflight(P), id) end
  if not held or held == '' then return end -- most jobs hold no concurrency key
  for suffix in string.gmatch(held, '[^\n]+') do
    rcall('ZREM', Key.slots(P, suffix), id)
    pullBack(P, suffix, now)
  end
end

-- Settling costs. The claim charged each tenant an estimate per job (the job's ec field, in ms;
-- ef set when it was not the tenant's own average): once the costs are known, a batch of
-- completions charges each tenant the difference once (divided by its weight, as the claim did),
-- and moves each tenant's estimate for the function toward the costs (an exponential average,
-- weight 1/4 per job, folded in completion order). A tenant's first costs also feed the
-- function's average, the first estimate of the next newcomer. Costs under 1 ms count as 1 ms:
-- no job is free. In the steady state (every cost what its claim estimated from the tenant's
-- own average) a batch reads and writes nothing here. A newcomer whose costs match the function's
-- average keeps borrowing it rather than storing the same figure as its own: with a million
-- one-job tenants that saves two writes per job and a field per tenant, and its next claim charges
-- it the same. What nothing changed is not written.
local function newSettlement() return {groups = {}, order = {}, deltas = {}, tenants = {}, fnCosts = {}} end

-- `name` is '<tenant>:<fn>' (a queue id's countField: the caller has it already).
local function settle(s, name, tenant, fn, charged, fresh, cost)
  if cost < 1 then cost = 1 end
  local g = s.groups[name]
  if not g then
    g = {tenant = tenant, fn = fn, costs = {}, moved = false}
    s.groups[name] = g
    s.order[#s.order + 1] = name
  end
  g.costs[#g.costs + 1] = cost
  local off = charged == nil or math.abs(cost - charged) >= 0.001
  if fresh or off then g.moved = true end
  if charged ~= nil and off then
    if not s.deltas[tenant] then
      s.deltas[tenant] = 0
      s.tenants[#s.tenants + 1] = tenant
    end
    s.deltas[tenant] = s.deltas[tenant] + (cost - charged)
  end
end

local function flushSettlement(P, s, weighted, retention)
  for _, name in ipairs(s.order) do
    local g = s.groups[name]
    if g.moved then
      local state, field = Key.tenantTime(P, g.tenant), 'c:' .. g.fn
      local own = rcall('HGET', state, field)
      local from = 1
      local before = nil
      if own then
        own = tonumber(own)
        before = own
      else
        own = g.costs[1]
        from = 2
        -- The function's average: read once per function and batch, kept up to date here
        -- (false: it has none yet, so this is the function's first cost).
        local avg = s.fnCosts[g.fn]
        if avg == nil then
          local stored = rcall('HGET', Key.costs(P), g.fn)
          avg = stored and tonumber(stored) or false
        end
        local moved = avg and avg + (own - avg) / 8 or own
        if not avg or math.abs(moved - avg) > 0.001 then
          rcall('HSET', Key.costs(P), g.fn, string.format('%.6g', moved))
        end
        s.fnCosts[g.fn] = moved
        before = avg or nil -- what the tenant borrowed: its own average is stored only if it differs
      end
      for i = from, #g.costs do own = own + (g.costs[i] - own) / 4 end
      if before == nil or math.abs(own - before) > 0.001 then
        rcall('HSET', state, field, string.format('%.6g', own))
      end
    end
  end
  for _, tenant in ipairs(s.tenants) do
    local weight = 1
    if weighted then weight = planOf(P, tenant) end
    chargeTenant(P, tenant, nil, s.deltas[tenant] / weight, retention)
  end
end

-- How long a succeeded or cancelled job's status record stays: the engine's status retention, or,
-- when that is zero (keep none: the record goes at once, saving its two writes), WATCHED_GRACE_MS
-- for a watched job, so its watcher can still read how it ended. Mirrors
-- EngineOptions.WATCHED_STATUS_GRACE (LuaMirrorsTest). `retention` is a number (ms), `watched` the
-- job's w field.
local WATCHED_GRACE_MS = 300000

local function statusKept(retention, watched)
  if retention > 0 then return retention end
  if watched == '1' then return WATCHED_GRACE_MS end
  return 0
end

-- Watchers (awaitCompletion) subscribe to the shard's done channel; only watched jobs publish.
-- A message is a JSON array of ended jobs, each an array: the id, then the record's fields and
-- values as the job ended (but its payload and its lease token), so a watcher answers from the
-- message without reading the record. Call after the job's final fields are written. With `ends`
-- (a table; publishEnds sends it), a call that ends many jobs publishes them in one message;
-- without, the job is published at once. `watched` is the job's w field when the caller already
-- read it, else nil (read here).
local function announce(P, jobKey, id, watched, ends)
  if watched == nil then watched = rcall('HGET', jobKey, 'w') end
  if watched ~= '1' then return end
  local h = rcall('HGETALL', jobKey)
  local ended = {id}
  for i = 1, #h, 2 do
    if h[i] ~= 'p' and h[i] ~= 'lt' then
      ended[#ended + 1] = h[i]
      ended[#ended + 1] = h[i + 1]
    end
  end
  if ends then
    ends[#ends + 1] = ended
  else
    rcall('PUBLISH', Key.doneChannel(P), cjson.encode({ended}))
  end
end

local function publishEnds(P, ends)
  if #ends > 0 then rcall('PUBLISH', Key.doneChannel(P), cjson.encode(ends)) end
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
-- attempts, move the job to its tenant's dead-letter queue. Returns 'retry' or 'dead'. `ends`:
-- as announce's.
local function failAttempt(P, jobKey, id, now, retryAt, err, dead, ends)
  local f = rcall('HMGET', jobKey, 'q', 'a', 'ma', 'lc')
  local qid, attempts, maxAttempts = f[1], tonumber(f[2]), tonumber(f[3])
  local tenant = Key.tenantOfQueue(qid)
  releaseSlots(P, id, f[4], now)
  countRunning(P, qid, -1)
  rcall('HSET', jobKey, 'le', err)
  rcall('HDEL', jobKey, 'ec', 'ef', 'lc') -- the next lease writes what it holds, if anything
  if dead or attempts >= maxAttempts then
    rcall('HSET', jobKey, 'st', 'dead', 'fa', now)
    rcall('ZADD', Key.deadLetters(P, tenant), now, id)
    countDead(P, qid, 1)
    announce(P, jobKey, id, nil, ends)
    return 'dead'
  end
  rcall('HSET', jobKey, 'st', 'failed', 'ra', retryAt)
  rcall('ZADD', Key.queue(P, qid), retryAt, id)
  countQueued(P, qid, 1)
  queueJoined(P, qid, retryAt, now)
  return 'retry'
end
