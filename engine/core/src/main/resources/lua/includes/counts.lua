-- The operator's counters, read by Engine.tenantStats and functionStats (engine/internal/admin),
-- so stats over 10,000 tenants never walk queues. Per shard, hashes keyed by '<tenant>:<function>'
-- (the first two parts of a queue id): jobs waiting in queues (cnt:q), running (cnt:r), dead
-- (cnt:d). A field at or below zero is deleted, so counters of tenants that come and go do not
-- pile up, and a count that drifted (jobs written before the counters existed) heals once the
-- tenant-function drains. Served cost per tenant goes into 10 s buckets (srv:<bucket>) that
-- expire after two minutes: what "served share over the last minute" is computed from.
-- Everything here is a few HINCRBYs per call, added where a script already touches the job.
-- The same counts summed per function (cnt:f, fields q:<function>, r:<function>, d:<function>)
-- are what the backlog gauges and functionStats read, so neither walks a hash with a field per
-- tenant (at 1,000,000 tenants that walk cost Redis a quarter of its time, every 5 s, per
-- engine). A script's bumps are summed per function as it goes and written by flushCounts, which
-- every script that counts calls once at its end: one HINCRBY per function and kind per call.
-- @include keys

local COUNT_BUCKET_MS = 10000
local COUNT_BUCKET_TTL_MS = 130000

local function countField(qid)
  return string.match(qid, '^[^:]+:[^:]+')
end

local function bumpCount(key, field, n)
  if n == 0 then return end
  if rcall('HINCRBY', key, field, n) <= 0 then rcall('HDEL', key, field) end
end

local functionTotals = {} -- this call's bumps per cnt:f field, written by flushCounts

local function bumpFunction(kind, qid, n)
  local field = kind .. ':' .. Key.functionOfQueue(qid)
  functionTotals[field] = (functionTotals[field] or 0) + n
end

local function countQueued(P, qid, n)
  bumpCount(Key.queuedCounts(P), countField(qid), n)
  bumpFunction('q', qid, n)
end
local function countRunning(P, qid, n)
  bumpCount(Key.runningCounts(P), countField(qid), n)
  bumpFunction('r', qid, n)
end
local function countDead(P, qid, n)
  bumpCount(Key.deadCounts(P), countField(qid), n)
  bumpFunction('d', qid, n)
end

-- Writes this call's per-function totals (see above); call once, at the end of the script.
local function flushCounts(P)
  for field, n in pairs(functionTotals) do bumpCount(Key.functionCounts(P), field, n) end
  functionTotals = {}
end

-- A tally of one batch of completions, written with one HINCRBY per tenant-function (running)
-- and per tenant (served cost) at the end of the batch.
local function newTally() return {ended = {}, served = {}} end

local function tallyCompletion(tally, qid, cost, succeeded)
  local tenant = Key.tenantOfQueue(qid)
  if cost < 1 then cost = 1 end
  tally.served[tenant] = (tally.served[tenant] or 0) + math.floor(cost + 0.5)
  if succeeded then
    local field = countField(qid)
    tally.ended[field] = (tally.ended[field] or 0) + 1
  end
end

local function flushTally(P, tally, now)
  for field, n in pairs(tally.ended) do
    bumpCount(Key.runningCounts(P), field, -n)
    bumpFunction('r', field, -n) -- a tenant:function field reads as a queue id's first parts
  end
  local key = nil
  for tenant, cost in pairs(tally.served) do
    key = key or Key.served(P, math.floor(now / COUNT_BUCKET_MS))
    rcall('HINCRBY', key, tenant, cost)
  end
  if key then rcall('PEXPIRE', key, COUNT_BUCKET_TTL_MS) end
end
