--[[
  claimJobs: the scheduler. Leases up to N due jobs of one function for whoever is owed them:
  tenants in order of virtual time (lowest first, charged cost / weight for what they get),
  within a tenant its queues (key values) in order of their own virtual time.
  Guarantee: atomic. Takes exactly the lowest each time (scripts run one at a time: no lease race
  to lose), gives the lowest tenant as many jobs as keep it at or below the next tenant, and never
  lets a concurrency key the job names go over its limit. Each leased job moves to inflight and
  to its concurrency keys with score = lease expiry; its attempt count goes up and it records its
  lease token (the secret its holder must show to heartbeat or complete it); the tenant's virtual time moves by the estimated cost now (its own average cost for this
  function; an ack corrects it by the real one).

  KEYS[1] ready tenants of the function (rdy:<function>)
  ARGV[1] shard prefix      ARGV[2] function          ARGV[3] now ms      ARGV[4] max jobs
  ARGV[5] lease (visibility timeout) ms               ARGV[6] function concurrency limit (0 = none)
  ARGV[7] per-tenant limit of the function (0 = none) ARGV[8] capacity backoff ms
  ARGV[9] virtual-time retention ms                   ARGV[10] 1 = weights count, 0 = all equal
  ARGV[11] lease tokens: ARGV[4] random tokens of equal length, concatenated; the n-th job leased
           takes the n-th (the engine knows which job got which from the reply's order)
  ARGV[12] budget us: past it the claim starts no further pick (includes/budget.lua)
  ARGV[13..] keyed limits in order: name, limit, ... (the first is the queue key)
  A function paused in the shard's mirror (Key.pausedFunctions) leases nothing: {OK, -1, 0}.
  Returns {OK, next timer ms or -1, more, then per job: id, tenant, payload, attempt, max attempts,
           enqueued-at ('' = its id's time), headers ('' = none), due-at ('' = its enqueued-at),
           n, then n key name, value pairs} | {AT_CAPACITY, -1, 0} (the function's limit); more
           is 1 when the function's ready set still holds tenants (a claim now could find more),
           0 when this call emptied it: the engine then sleeps until it is told of new work; due-at
           is when this attempt became due (its run-at, retry or replay time), so the wait the
           metrics report leaves out a delay the producer or a retry asked for. The reply is one
           flat list: Redis 6 writes each nested list of a script's reply with a write() of its
           own (two per job when the jobs were lists in the list), and those system calls were a
           fifth of its time.
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include slots
-- @include fair
-- @include bulk
-- @include budget

local P, fn, now, want = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local lease, fnLimit, tfLimit = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local backoff, retentionText = tonumber(ARGV[8]), ARGV[9]
local weighted = ARGV[10] == '1'
local tokens = ARGV[11]
local tokenLength = math.floor(#tokens / want)
local budget = newBudget(tonumber(ARGV[12]), 1) -- a pick takes at least one job: the clock each time
local keyNames, keyLimits = {}, {}
for i = 13, #ARGV, 2 do
  keyNames[#keyNames + 1] = ARGV[i]
  keyLimits[#keyLimits + 1] = tonumber(ARGV[i + 1])
end
local ready = KEYS[1]
-- A tenant level with the next one still takes a turn of QUANTUM ms of estimated cost divided
-- by its weight (at least one job): a pick's fixed cost (a dozen commands) is shared by the jobs
-- of a turn, and the lag behind exact fair queuing stays one turn (see docs/design.md).
local QUANTUM = 8
local fnSlots = Key.functionSlots(fn)

-- Paused (pauseFunction writes this shard's mirror before it returns): nothing is leased, by any
-- engine, from the moment it returns; the engines' cached pause only saves them the call.
if rcall('SISMEMBER', Key.pausedFunctions(P), fn) == 1 then return {Code.OK, -1, 0} end

local sys = systemTime(P)
wakeDue(P, now, 256, sys)

if fnLimit > 0 then
  local left = fnLimit - slotsInUse(Key.slots(P, fnSlots), now)
  if left <= 0 then return {Code.AT_CAPACITY, -1, 0} end
  if left < want then want = left end
end

local out = {Code.OK, -1, 0}
local inflight = {} -- score, id pairs of every job leased, written with one ZADD at the end
local claimCache = {} -- what every pick of this claim would read alike (estimateOf)
local taken, picks = 0, 0
local drained = false -- whether the loop saw the ready set empty
-- How every job of this claim is leased (leaseFrom); estimate, fresh and taken change per pick.
-- The values are text made once: Redis formats every number a script passes it (%.17g).
local grant = {deadline = string.format('%d', now + lease), timeout = string.format('%d', lease),
  estimate = '', fresh = false, tokens = tokens, tokenLength = tokenLength, taken = 0,
  inflight = inflight}
local estimateTexts = {} -- estimate -> its text, made once per claim
local NO_SLOTS = {} -- what a job holds when nothing limits it
-- The lowest tenants of the ready set, read a window at a time. While each tenant served leaves
-- the set (its last ready job taken, as with many one-job tenants), the window's next entry is
-- the next lowest without reading again, and the window's plans come in one HMGET. A tenant that
-- stays was re-sorted by its charge: then the window is read again from the top. It starts at
-- two (the tenant and the next one's tag) and widens once tenants are seen to leave.
local window, at, full, plans, departures = {}, 1, false, {}, 0
local function readWindow()
  local span = 1
  if departures > 0 then span = math.min(want - taken, 32) + 1 end
  window = rcall('ZRANGE', ready, '0', string.format('%d', span), 'WITHSCORES')
  at = 1
  full = #window == 2 * (span + 1)
  if #window > 4 then
    local names = {}
    for i = 1, #window, 2 do names[#names + 1] = window[i] end
    local stored = rcall('HMGET', Key.plans(P), unpack(names))
    for i, name in ipairs(names) do plans[name] = stored[i] end -- false: no plan
  end
end
while taken < want and picks < want * 4 + 16 do
  -- Past its budget (includes/budget.lua) a claim that leased something answers it; more says
  -- the ready set still holds tenants, so the engine claims again at once. One that leased
  -- nothing yet goes on (its picks are bounded above): an empty reply with more would leave the
  -- engine's loop asleep until its next poll.
  if taken > 0 and spent(budget) then break end
  picks = picks + 1
  if at > #window or (full and at + 3 > #window) then readWindow() end -- the next tag unknown
  if not window[at] then -- read just now: the ready set is empty
    drained = true
    break
  end
  local tenant, tag = window[at], tonumber(window[at + 1])
  local nextTag = window[at + 3] and tonumber(window[at + 3]) or math.huge
  local weight, tenantLimit, paused = planOf(P, tenant, plans[tenant])
  if not weighted then weight = 1 end
  local free = want - taken
  local held = false
  local gone, charged = false, false -- whether the tenant left this ready set, was re-sorted here
  if paused then
    holdTenant(P, tenant, fn, nil, now, backoff)
    held, gone = true, true
  end
  if not held and tenantLimit > 0 then
    local suffix = Key.tenantSlots(tenant)
    local left = tenantLimit - slotsInUse(Key.slots(P, suffix), now)
    if left <= 0 then holdTenant(P, tenant, fn, suffix, now, backoff); held, gone = true, true
    elseif left < free then free = left end
  end
  if not held and tfLimit > 0 then
    local suffix = Key.tenantFunctionSlots(tenant, fn)
    local left = tfLimit - slotsInUse(Key.slots(P, suffix), now)
    if left <= 0 then holdTenant(P, tenant, fn, suffix, now, backoff); held, gone = true, true
    elseif left < free then free = left end
  end
  if not held then
    local tfq = Key.tenantReady(P, tenant, fn)
    -- The two lowest: the one served, and whether another stays when it empties.
    local q = rcall('ZRANGE', tfq, '0', '1', 'WITHSCORES')
    if not q[1] then
      leaveReady(P, tenant, fn) -- a stale entry: nothing of this tenant is ready
      gone = true
    else
      local qid, qtag = q[1], tonumber(q[2])
      local queueSuffix = nil
      local token = Key.keyTokenOfQueue(qid)
      if token and keyLimits[1] and keyLimits[1] > 0 then
        queueSuffix = Key.keySlotsByToken(fn, keyNames[1], token)
        local left = keyLimits[1] - slotsInUse(Key.slots(P, queueSuffix), now)
        if left <= 0 then gone = holdQueue(P, qid, queueSuffix, now, backoff); free = 0
        elseif left < free then free = left end
      end
      local estimate, fresh, v = 1, false, nil
      if free > 0 then estimate, fresh, v = estimateOf(P, tenant, fn, claimCache) end
      if v and v > tag then
        -- Its score here is stale: a claim of another function charged it and re-sorted it only
        -- there (chargeTenant). Re-sorted now, before anyone is served, and read again.
        rcall('ZADD', ready, 'XX', string.format('%.17g', v), tenant)
        free = 0
        charged = true
      end
      if free > 0 then
        -- As many as keep this tenant at or below the next one, and at least a turn (QUANTUM of
        -- virtual time): a tenant far behind gets its due in one step instead of one per pick,
        -- and tenants level with each other take turns of several cheap jobs (one costly one),
        -- so a pick's fixed cost is shared. Each job is charged exactly, so shares stay exact;
        -- only the interleaving coarsens, within the lag bound of one turn.
        local n = free
        if nextTag < math.huge then
          local fit = math.floor((nextTag - tag) * weight / estimate) + 1
          local turn = math.floor(QUANTUM * weight / estimate)
          if fit < turn then fit = turn end
          if fit < n then n = fit end
        end
        local slots = NO_SLOTS
        if fnLimit > 0 or tenantLimit > 0 or tfLimit > 0 or queueSuffix then
          slots = {}
          if fnLimit > 0 then slots[#slots + 1] = fnSlots end
          if tenantLimit > 0 then slots[#slots + 1] = Key.tenantSlots(tenant) end
          if tfLimit > 0 then slots[#slots + 1] = Key.tenantFunctionSlots(tenant, fn) end
          if queueSuffix then slots[#slots + 1] = queueSuffix end
        end
        local text = estimateTexts[estimate]
        if not text then
          text = string.format('%.17g', estimate)
          estimateTexts[estimate] = text
        end
        grant.estimate, grant.fresh, grant.taken = text, fresh, taken
        local leased, head = leaseFrom(P, qid, tenant, n, now, grant, slots, keyNames, keyLimits, out)
        taken = taken + leased
        if leased > 0 and tag > sys then sys = tag end
        if head == false then head = queueHead(P, qid, now) end -- leaseFrom could not tell
        if head == nil then
          -- Emptied: it leaves its tenant's ready queues (it was ready, so it is in no timer and
          -- no hold), and the tenant leaves the function's ready set with its last queue.
          rcall('ZREM', tfq, qid)
          if not q[3] then
            leaveReady(P, tenant, fn)
            gone = true
          end
        elseif head <= now then
          -- Still due: it stays ready at its new virtual time, unless nothing could be taken
          -- because every due job is blocked by a secondary keyed limit: then it waits a backoff.
          -- (Nothing taken without secondary limits means stray ids were dropped: look again.)
          if leased > 0 then rcall('ZADD', tfq, 'XX', qtag + leased, qid)
          elseif #keyLimits > 1 then gone = holdQueue(P, qid, nil, now, backoff) end
        else
          gone = indexQueue(P, qid, now, sys) -- its next job is due later: to the timer
        end
        -- Charged after the queue was filed: a tenant that just left this function's ready set
        -- is re-sorted only where it still is.
        if leased > 0 then
          chargeTenant(P, tenant, tag, leased * estimate / weight, retentionText, not gone and fn)
          charged = true
        end
      end
    end
  end
  if gone then -- the window's next entry is now the lowest
    at = at + 2
    departures = departures + 1
  elseif charged then -- re-sorted: read again
    window = {}
  end -- else unchanged: the same tenant is still the lowest (its next queue, or nothing more)
end
callInChunks('ZADD', Key.inflight(P), inflight)
if sys > systemTime(P) then rcall('SET', Key.systemTime(P), string.format('%.17g', sys)) end
local nextTimer = rcall('ZRANGE', Key.timer(P), '0', '0', 'WITHSCORES')
out[2] = nextTimer[2] or -1
if not drained and rcall('EXISTS', ready) == 1 then out[3] = 1 end
flushCounts(P)
return out
