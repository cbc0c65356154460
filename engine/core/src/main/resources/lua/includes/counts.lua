-- The operator's counters, read by Engine.tenantStats and functionStats (engine/internal/admin),
-- so stats over 10,000 tenants never walk queues. Per shard, hashes keyed by '<tenant>:<function>'
-- (the first two parts of a queue id): jobs waiting in queues (cnt:q), running (cnt:r), dead
-- (cnt:d). A field at or below zero is deleted, so counters of tenants that come and go do not
-- pile up, and a count that drifted (jobs written before the counters existed) heals once the
-- tenant-function drains. Served cost per tenant goes into 10 s buckets (srv:<bucket>) that
-- expire after two minutes: what "served share over the last minute" is computed from.
-- The same counts summed per function (cnt:f, fields q:<function>, r:<function>, d:<function>)
-- are what the backlog gauges and functionStats read, so neither walks a hash with a field per
-- tenant (at 1,000,000 tenants that walk cost Redis a quarter of its time, every 5 s, per
-- engine). A script sums its bumps per hash and field as it goes, and flushCounts, which every
-- script that counts calls once at its end, writes each hash with one HMGET and one HSET (and an
-- HDEL for what reached zero), however many tenants the call touched: a claim over 64 one-job
-- tenants writes its counters in a handful of commands instead of a few per tenant. A hash with
-- one or two fields to write takes an HINCRBY each instead.
-- @include keys
-- @include bulk

local COUNT_BUCKET_MS = 10000
local COUNT_BUCKET_TTL_MS = 130000

local function countField(qid)
  return string.match(qid, '^[^:]+:[^:]+')
end

local pendingCounts = {} -- this call's bumps: hash key -> field -> sum, written by flushCounts
local pendingKeys = {} -- the hash keys in the order first bumped
local pendingExpiry = {} -- hash key -> ms it lives after this write (the served buckets)

-- A function library (Redis 7) keeps these across calls: a call that failed before its
-- flushCounts must not leave its bumps to the next one, so every call starts with none.
-- @on-call resetCounts
local function resetCounts()
  pendingCounts, pendingKeys, pendingExpiry = {}, {}, {}
end

local function bumpCount(key, field, n)
  if n == 0 then return end
  local fields = pendingCounts[key]
  if not fields then
    fields = {}
    pendingCounts[key] = fields
    pendingKeys[#pendingKeys + 1] = key
  end
  fields[field] = (fields[field] or 0) + n
end

local function countQueued(P, qid, n)
  bumpCount(Key.queuedCounts(P), countField(qid), n)
  bumpCount(Key.functionCounts(P), 'q:' .. Key.functionOfQueue(qid), n)
end
local function countRunning(P, qid, n)
  bumpCount(Key.runningCounts(P), countField(qid), n)
  bumpCount(Key.functionCounts(P), 'r:' .. Key.functionOfQueue(qid), n)
end
local function countDead(P, qid, n)
  bumpCount(Key.deadCounts(P), countField(qid), n)
  bumpCount(Key.functionCounts(P), 'd:' .. Key.functionOfQueue(qid), n)
end

-- Writes this call's bumps (see above); call once, at the end of the script. A field at or
-- below zero is deleted.
local function flushCounts(P)
  for _, key in ipairs(pendingKeys) do
    local fields = {}
    for field, n in pairs(pendingCounts[key]) do
      if n ~= 0 then fields[#fields + 1] = field end
    end
    if #fields <= 2 then
      -- One or two fields (an enqueue of one queue, a claim from one or two tenants, a function's
      -- queued and running totals): an HINCRBY each is no more commands than HMGET and HSET, and
      -- builds no tables (3% of a claim and completion's instructions under load, bench/lua-cost.py).
      for _, field in ipairs(fields) do
        if rcall('HINCRBY', key, field, string.format('%d', pendingCounts[key][field])) <= 0 then
          rcall('HDEL', key, field)
        end
      end
    else
      local set, gone = {}, {}
      local have = callInChunks('HMGET', key, fields)
      for i, field in ipairs(fields) do
        local total = (tonumber(have[i]) or 0) + pendingCounts[key][field]
        if total > 0 then
          set[#set + 1] = field
          set[#set + 1] = string.format('%d', total)
        else
          gone[#gone + 1] = field
        end
      end
      callInChunks('HSET', key, set)
      callInChunks('HDEL', key, gone)
    end
    if pendingExpiry[key] then rcall('PEXPIRE', key, pendingExpiry[key]) end -- after the write creates it
  end
  pendingCounts, pendingKeys, pendingExpiry = {}, {}, {}
end

-- A tally of one batch of completions: jobs that ended per tenant-function (running) and cost
-- served per tenant, folded into this call's counter bumps at the end of the batch.
local function newTally() return {ended = {}, served = {}} end

-- `field` is the job's queue id's countField.
local function tallyCompletion(tally, tenant, field, cost, succeeded)
  if cost < 1 then cost = 1 end
  tally.served[tenant] = (tally.served[tenant] or 0) + math.floor(cost + 0.5)
  if succeeded then
    tally.ended[field] = (tally.ended[field] or 0) + 1
  end
end

local function flushTally(P, tally, now)
  for field, n in pairs(tally.ended) do
    countRunning(P, field, -n) -- a tenant:function field reads as a queue id's first parts
  end
  local key = nil
  for tenant, cost in pairs(tally.served) do
    key = key or Key.served(P, math.floor(now / COUNT_BUCKET_MS))
    bumpCount(key, tenant, cost)
  end
  if key then pendingExpiry[key] = COUNT_BUCKET_TTL_MS end
end
