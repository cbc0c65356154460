-- The scheduler's index, shared by every script that adds work, takes it or frees slots.
-- @include keys
-- @include ids
-- @include slots
-- @include counts
--
-- Per shard: a virtual queue (q:<qid>) is either ready, in its tenant-function's ready set
-- (tfq:<tenant>:<function>, scored by the queue's virtual time within that tenant-function), or
-- in the timer (due: not yet due, or held for lack of a slot, scored by when to look again), or
-- empty and nowhere. A tenant is in a function's ready set (rdy:<function>, scored by the tenant's
-- virtual time) while it has ready queues of that function and is not held; its virtual time
-- (vt:<tenant>) spans all its functions. Holds of a whole tenant-function are timer entries named
-- '~<tenant>:<function>'. Names hold no ':' or '~' (Names), so the two kinds cannot collide.

-- A queue's jobs are in two places. Its list (ql:<qid>), in the order they were enqueued, holds
-- the jobs whose score is their id's time (due at once, no priority: nearly all), an entry of
-- ~30 bytes; its sorted set (q:<qid>) holds the rest (delayed, prioritised, retried, replayed),
-- ~120 bytes an entry. A list job's score is its id's time, and it is due whatever the clock of
-- the engine that reads it says (at most `now`). Reads merge the two by (score, id), the order one
-- sorted set would give. A cancelled list job stays in the list (removing it would scan the list),
-- its id in qx:<qid>, until the claim that reaches it drops it.

-- Idle engines sleep on the shard's work channel (Key.workChannel) besides a slow poll, so work
-- written through one engine starts at once on another that serves it. What an idle engine could
-- sleep past is announced there: a function's ready set gaining a tenant when it had none, and the
-- timer gaining an earlier head. Under load the ready sets are seldom empty and the heads seldom
-- move earlier, so little is published. The message is '<origin> <function>' (function '' for
-- the timer). A script that knows its engine sets workOrigin to the engine's id: that engine wakes
-- its own claim loops directly and skips its own messages; '' reaches every engine. An engine
-- that takes the work it writes at once itself (it has room for the function's jobs:
-- JobSink.hasRoom) sets workQuiet: nobody else needs waking, and an idle job costs no message.
local workOrigin, workQuiet = '', false
-- @on-call resetWork
local function resetWork() -- a library's functions start each call as a script does
  workOrigin, workQuiet = '', false
end
local function announceWork(P, fn)
  if workQuiet then return end
  rcall('PUBLISH', Key.workChannel(P), workOrigin .. ' ' .. fn)
end

-- Files `entry` (a queue, or a held tenant-function) in the timer at `score`, announcing a new
-- earliest head.
local function addTimer(P, score, entry)
  local timer = Key.timer(P)
  local head = rcall('ZRANGE', timer, '0', '0', 'WITHSCORES')
  rcall('ZADD', timer, score, entry)
  if not head[2] or score < tonumber(head[2]) then announceWork(P, '') end
end

-- The score of a queue's first job, or nil when it has none.
local function queueHead(P, qid, now)
  local first = rcall('ZRANGE', Key.queue(P, qid), '0', '0', 'WITHSCORES')
  local head = first[1] and tonumber(first[2]) or nil
  local listed = rcall('LINDEX', Key.queueList(P, qid), '0')
  if listed then
    local t = math.min(jobTime(listed), now)
    if head == nil or t < head then head = t end
  end
  return head
end

-- The first `limit` due jobs of queue `qid`, in order. With `take`, they leave the queue here.
-- Returns their ids, for each whether it was in the list, and the score of the job that follows
-- them (nil: none). When the sorted set is empty (nearly always) and `take` is set, the list's
-- first jobs are popped in one command (a queue of one job costs two reads, as with one sorted
-- set); otherwise both places are read `limit` + 1 deep and merged by (score, id).
local function firstDue(P, qid, limit, now, take)
  local queue, list = Key.queue(P, qid), Key.queueList(P, qid)
  local upto = string.format('%d', limit) -- text: Redis would format a number with %.17g
  local scored = rcall('ZRANGE', queue, '0', upto, 'WITHSCORES')
  local ids, inList = {}, {}
  if take and not scored[1] then
    ids = rcall('LPOP', list, upto) or {} -- false when the list is empty
    for k = 1, #ids do inList[k] = true end
    local head = nil
    if #ids == limit then
      local nextId = rcall('LINDEX', list, '0')
      if nextId then head = math.min(jobTime(nextId), now) end
    end
    return ids, inList, head
  end
  local listed = rcall('LRANGE', list, '0', upto)
  local z, l = 0, 0
  local listScore = nil -- the score of listed[l + 1], decoded once
  local head = nil
  while true do
    local zs = scored[2 * z + 1] and tonumber(scored[2 * z + 2]) or nil
    if listScore == nil and listed[l + 1] then listScore = math.min(jobTime(listed[l + 1]), now) end
    if zs == nil and listScore == nil then break end
    local fromList
    if zs == nil then fromList = true
    elseif listScore == nil then fromList = false
    elseif listScore ~= zs then fromList = listScore < zs
    else fromList = listed[l + 1] < scored[2 * z + 1] end
    local score = fromList and listScore or zs
    if #ids >= limit or score > now then
      head = score
      break
    end
    if fromList then
      l = l + 1
      ids[#ids + 1] = listed[l]
      listScore = nil
    else
      z = z + 1
      ids[#ids + 1] = scored[2 * z - 1]
    end
    inList[#ids] = fromList
  end
  if take then
    if z > 0 then rcall('ZREMRANGEBYRANK', queue, 0, z - 1) end
    if l > 0 then rcall('LTRIM', list, l, -1) end
  end
  return ids, inList, head
end

-- The system virtual time: the tag of the last tenant served. A tenant that becomes active starts
-- there, so idling banks no credit.
local function systemTime(P)
  return tonumber(rcall('GET', Key.systemTime(P)) or '0')
end

-- A tenant's state (Key.tenantTime, a hash that expires after the retention): v, its virtual
-- time; c:<function>, what its jobs of that function cost (ms, an exponential average).

-- A tenant's virtual time, or the system time when it has none (new, or idle past retention).
local function tenantTime(P, tenant, sys)
  local v = rcall('HGET', Key.tenantTime(P, tenant), 'v')
  if v then
    v = tonumber(v)
    if v > sys then return v end
  end
  return sys
end

-- Puts a tenant in a function's ready set (if it is not there, and not held for it).
local function enterReady(P, tenant, fn, sys)
  local ready = Key.ready(P, fn)
  if rcall('ZSCORE', ready, tenant) then return end
  if rcall('ZSCORE', Key.timer(P), '~' .. tenant .. ':' .. fn) then return end
  local first = rcall('EXISTS', ready) == 0
  rcall('ZADD', ready, tenantTime(P, tenant, sys), tenant)
  rcall('SADD', Key.tenantFunctions(P, tenant), fn)
  if first then announceWork(P, fn) end
end

-- Takes a tenant out of a function's ready set.
local function leaveReady(P, tenant, fn)
  rcall('ZREM', Key.ready(P, fn), tenant)
  rcall('SREM', Key.tenantFunctions(P, tenant), fn)
end

-- Puts a queue with due work among its tenant-function's ready queues, at the lowest virtual
-- time there (a returning queue banks no credit either). `absent`: the caller saw it is not there.
local function readyQueue(P, qid, tenant, fn, sys, absent)
  local tfq = Key.tenantReady(P, tenant, fn)
  if absent or not rcall('ZSCORE', tfq, qid) then
    local low = rcall('ZRANGE', tfq, '0', '0', 'WITHSCORES')
    rcall('ZADD', tfq, low[2] or 0, qid)
  end
  enterReady(P, tenant, fn, sys)
end

-- Files a queue by its earliest job: ready when due, in the timer when later, nowhere when empty.
-- A queue held for a slot stays held (the timer or the ack that frees the slot brings it back).
-- Returns true when its tenant left the function's ready set with it.
local function indexQueue(P, qid, now, sys)
  local tenant, fn = Key.tenantOfQueue(qid), Key.functionOfQueue(qid)
  local head = queueHead(P, qid, now)
  local tfq = Key.tenantReady(P, tenant, fn)
  if not head then
    -- Empty (its last job was leased or cancelled): filed nowhere, held or not.
    rcall('ZREM', Key.timer(P), qid)
    rcall('ZREM', tfq, qid)
    rcall('SREM', Key.holds(P), qid)
  elseif rcall('SISMEMBER', Key.holds(P), qid) == 1 then
    return false -- held: the timer or the ack that frees its slot brings it back
  elseif head > now then
    rcall('ZREM', tfq, qid)
    addTimer(P, head, qid)
  else
    rcall('ZREM', Key.timer(P), qid)
    readyQueue(P, qid, tenant, fn, sys)
    return false
  end
  if rcall('ZCARD', tfq) == 0 then
    leaveReady(P, tenant, fn)
    return true
  end
  return false
end

-- A queue cannot run for lack of a slot of `suffix` (nil: of a secondary keyed limit, per job): out of the ready set, into the timer (a lease
-- that expires frees its slot without any event) and the slot's wait set (an ack pulls it back).
-- Returns true when its tenant left the function's ready set with it.
local function holdQueue(P, qid, suffix, now, backoff)
  local tenant, fn = Key.tenantOfQueue(qid), Key.functionOfQueue(qid)
  local tfq = Key.tenantReady(P, tenant, fn)
  rcall('ZREM', tfq, qid)
  rcall('SADD', Key.holds(P), qid)
  addTimer(P, now + backoff, qid)
  if suffix then rcall('SADD', Key.waiting(P, suffix), qid) end
  if rcall('ZCARD', tfq) == 0 then
    leaveReady(P, tenant, fn)
    return true
  end
  return false
end

-- A whole tenant-function cannot run (tenant or tenant-function limit reached, tenant paused).
local function holdTenant(P, tenant, fn, suffix, now, backoff)
  local entry = '~' .. tenant .. ':' .. fn
  leaveReady(P, tenant, fn)
  addTimer(P, now + backoff, entry)
  if suffix then rcall('SADD', Key.waiting(P, suffix), entry) end
end

-- Brings back a timer entry (a queue or a held tenant-function) whose time came or whose slot
-- was freed.
local function wake(P, entry, now, sys)
  rcall('ZREM', Key.timer(P), entry)
  if string.sub(entry, 1, 1) == '~' then
    local tenant, fn = string.match(entry, '^~([^:]+):(.+)$')
    if rcall('ZCARD', Key.tenantReady(P, tenant, fn)) > 0 then enterReady(P, tenant, fn, sys) end
  else
    rcall('SREM', Key.holds(P), entry)
    indexQueue(P, entry, now, sys)
  end
end

-- Wakes up to `max` timer entries that are due.
local function wakeDue(P, now, max, sys)
  local due = rcall('ZRANGEBYSCORE', Key.timer(P), '-inf', now, 'LIMIT', 0, max)
  for _, entry in ipairs(due) do wake(P, entry, now, sys) end
end

-- A slot of `suffix` was freed: wake what waits for it.
local function pullBack(P, suffix, now)
  local entries = rcall('SPOP', Key.waiting(P, suffix), 16)
  if #entries == 0 then return end
  local sys = systemTime(P)
  for _, entry in ipairs(entries) do
    if rcall('ZSCORE', Key.timer(P), entry) then wake(P, entry, now, sys) end
  end
end

-- Moves a tenant's virtual time by `delta` and re-sorts it in the ready sets it is in.
-- `from` is its time before the charge when the caller knows it (its ready score), else nil.
-- With `onlyFn` (a claim's charge, always upward), it is re-sorted only in that function's ready
-- set (`onlyFn` false: in none, it just left it); a lower score left in another function's ready
-- set is stale, and the claim that meets it re-sorts it before serving anyone (estimateOf reads
-- the virtual time), so nobody is served out of order and a charge costs no SMEMBERS.
-- `retention` is in ms (a number or its text).
local function chargeTenant(P, tenant, from, delta, retention, onlyFn)
  local key = Key.tenantTime(P, tenant)
  if from == nil then
    if delta == 0 then return end
    from = tenantTime(P, tenant, systemTime(P))
  end
  local v = string.format('%.17g', from + delta)
  rcall('HSET', key, 'v', v)
  rcall('PEXPIRE', key, retention)
  if onlyFn ~= nil then
    if onlyFn then rcall('ZADD', Key.ready(P, onlyFn), 'XX', v, tenant) end
    return
  end
  for _, fn in ipairs(rcall('SMEMBERS', Key.tenantFunctions(P, tenant))) do
    rcall('ZADD', Key.ready(P, fn), 'XX', v, tenant)
  end
end

-- What a job of `fn` is expected to cost for `tenant`: its own average, else the function's
-- (every tenant's), else 1 ms. Never under 1 ms. The second result is true when it is not the
-- tenant's own (its first jobs of `fn`): their completion must start the tenant's average. The
-- third is the tenant's stored virtual time (nil when it has none), read in the same command.
-- `cache` (a table, or nil) keeps the function's average across the picks of one call.
local function estimateOf(P, tenant, fn, cache)
  local stored = rcall('HMGET', Key.tenantTime(P, tenant), 'c:' .. fn, 'v')
  local c, v = stored[1], stored[2] and tonumber(stored[2]) or nil
  local fresh = not c
  if fresh then
    if cache and cache.fnCost ~= nil then
      c = cache.fnCost or nil
    else
      c = rcall('HGET', Key.costs(P), fn)
      if cache then cache.fnCost = c or false end
    end
  end
  c = tonumber(c or '1')
  if c < 1 then return 1, fresh, v end
  return c, fresh, v
end

-- A tenant's plan, mirrored into its shard by configureTenant: weight, concurrency limit, paused.
-- `stored` is its plan field when the caller read it already (false: it has none).
local function planOf(P, tenant, stored)
  local v = stored
  if v == nil then v = rcall('HGET', Key.plans(P), tenant) end
  if not v then return 1, 0, false end
  local w, l, p = string.match(v, '^([^,]+),([^,]+),([^,]+)$')
  return tonumber(w), tonumber(l), p == '1'
end

-- The fields a leased job records beyond the lease itself, as HSET arguments: lc (the slots it
-- holds, `held`) only when it holds any, ef only when its estimate was not its tenant's own
-- (`fresh`). Absent, they read as '' and '0' (most jobs: two fields fewer to write), and
-- failAttempt deletes both before a retry.
local function leaseTail(held, fresh)
  local tail = {}
  if held ~= '' then
    tail[1] = 'lc'
    tail[2] = held
  end
  if fresh then
    tail[#tail + 1] = 'ef'
    tail[#tail + 1] = '1'
  end
  return tail
end

-- Takes a job that firstDue read without taking out of its place (a short scan of the list:
-- it is among the first few).
local function takeOut(queue, list, inList, id)
  if inList then rcall('LREM', list, 1, id) else rcall('ZREM', queue, id) end
end

-- Leases up to `n` due jobs of queue `qid` (of `tenant`), appending each to `reply` as claimJobs
-- answers it (flat: id, tenant, payload, attempt, max attempts, enqueued-at, headers, due-at, n,
-- then n key name, value pairs; enqueued-at and due-at '' when the record has none, for the
-- engine to take from the id and from enqueued-at: no number is parsed or formatted here for
-- them). `slots` lists the concurrency keys every job of the queue takes (suffixes; empty when
-- nothing limits it, as for most work); secondary keyed limits (keyNames[2..]) are checked per job, and a blocked job is
-- skipped, not leased. `grant` says how: deadline (ms, as text), timeout (the visibility
-- timeout, ms, as text), estimate (the cost charged, ms, as text; fresh when it is not the
-- tenant's own average), the lease tokens (the k-th job leased by this claim, grant.taken before
-- this call plus one per job here, takes the k-th token of grant.tokens), and inflight: a list
-- the leased jobs' inflight entries (score, id, ...) are appended to, for the caller to write
-- with one ZADD (nothing in a claim reads inflight). The values written for every job are text
-- made once per claim: Redis would format each number it is given again, per job. Returns how
-- many jobs were leased, and the score of the queue's first job afterwards: nil when it is
-- empty, false when this call cannot tell (it skipped jobs blocked by secondary limits).
local function leaseFrom(P, qid, tenant, n, now, grant, slots, keyNames, keyLimits, reply)
  local queue, list = Key.queue(P, qid), Key.queueList(P, qid)
  local secondary = #keyLimits > 1
  local baseHeld = table.concat(slots, '\n') -- what a job holds without secondary limits
  -- Without secondary limits, the n lowest due are taken (or dropped as strays) and the score
  -- after them heads the queue; with them, jobs may be skipped, so the caller looks itself.
  local candidates, inList, head
  if secondary then
    candidates, inList = firstDue(P, qid, n * 4, now, false)
    head = false
  else
    candidates, inList, head = firstDue(P, qid, n, now, true) -- taken (or dropped as strays)
  end
  local leased, strays = 0, 0
  local tail = leaseTail(baseHeld, grant.fresh) -- a job held by no secondary limit records this
  for k, id in ipairs(candidates) do
    if leased >= n then break end
    local jobKey = Key.job(P, id)
    local f = rcall('HMGET', jobKey, 'q', 'ks', 'a', 'p', 'ma', 'ea', 'h', 'ra', 'st')
    if not f[1] or (f[9] and f[9] ~= 'failed' and f[9] ~= 'queued') then -- (layout 1 wrote 'queued')
      -- A stray: a cancelled list job (counted out when it was cancelled), a job whose record
      -- is gone (counted out here), or one that is not waiting (never leased twice).
      if secondary then takeOut(queue, list, inList[k], id) end
      local cancelled = inList[k] and rcall('SREM', Key.queueCancelled(P, qid), id) == 1
      if not f[1] and not cancelled then strays = strays + 1 end
    else
      local keyed = f[2] and f[2] ~= ''
      local extra = nil -- the secondary keys' slots this job takes, when it has any
      local blocked = false
      if secondary and keyed then
        local i = 0
        for suffix in string.gmatch(f[2], '[^\n]+') do
          i = i + 1
          local lim = keyLimits[i] or 0
          if i > 1 and lim > 0 then
            if slotsInUse(Key.slots(P, suffix), now) >= lim then
              blocked = true
              break
            end
            extra = extra or {}
            extra[#extra + 1] = suffix
          end
        end
      end
      if not blocked then
        if secondary then takeOut(queue, list, inList[k], id) end
        -- A queued job's record has no attempts until leased: its first attempt needs no number.
        local attempt = f[3] and tostring(tonumber(f[3]) + 1) or '1'
        local t = grant.taken + leased
        local token = string.sub(grant.tokens, t * grant.tokenLength + 1, (t + 1) * grant.tokenLength)
        local fields = tail
        if extra then
          local more = table.concat(extra, '\n')
          fields = leaseTail(baseHeld == '' and more or baseHeld .. '\n' .. more, grant.fresh)
        end
        rcall('HSET', jobKey, 'a', attempt, 'st', 'running', 'ld', grant.deadline, 'lt', token,
          'vt', grant.timeout, 'ec', grant.estimate, unpack(fields))
        local inflight = grant.inflight
        inflight[#inflight + 1] = grant.deadline
        inflight[#inflight + 1] = id
        for _, s in ipairs(slots) do rcall('ZADD', Key.slots(P, s), grant.deadline, id) end
        if extra then
          for _, s in ipairs(extra) do rcall('ZADD', Key.slots(P, s), grant.deadline, id) end
        end
        local r = #reply
        reply[r + 1], reply[r + 2], reply[r + 3], reply[r + 4] = id, tenant, f[4] or '', attempt
        reply[r + 5], reply[r + 6], reply[r + 7], reply[r + 8] = f[5] or '1', f[6] or '', f[7] or '', f[8] or ''
        reply[r + 9] = 0
        if keyed then -- keyed jobs carry their key values as k:<name> fields
          local all = rcall('HGETALL', jobKey)
          local found = 0
          for j = 1, #all, 2 do
            if string.sub(all[j], 1, 2) == 'k:' then
              reply[r + 10 + 2 * found] = string.sub(all[j], 3)
              reply[r + 11 + 2 * found] = all[j + 1]
              found = found + 1
            end
          end
          reply[r + 9] = found
        end
        leased = leased + 1
      end
    end
  end
  -- The operator's counters: what left the queue (leased or stray), what runs now.
  countQueued(P, qid, -(leased + strays))
  countRunning(P, qid, leased)
  return leased, head
end

-- A job with `score` joined queue `qid`: file the queue if it was not filed, or bring its timer
-- entry forward when this job is earlier. A held queue stays held.
local function queueJoined(P, qid, score, now)
  local tenant, fn = Key.tenantOfQueue(qid), Key.functionOfQueue(qid)
  if rcall('ZSCORE', Key.tenantReady(P, tenant, fn), qid) then return end
  if rcall('SISMEMBER', Key.holds(P), qid) == 1 then return end
  local timed = rcall('ZSCORE', Key.timer(P), qid)
  if score > now then
    if not timed or tonumber(timed) > score then addTimer(P, score, qid) end
    return
  end
  if timed then rcall('ZREM', Key.timer(P), qid) end
  readyQueue(P, qid, tenant, fn, systemTime(P), true)
end
