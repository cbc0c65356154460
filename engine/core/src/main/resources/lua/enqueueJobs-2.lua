--[[
  enqueueJobs: writes jobs of one virtual queue with one list append (jobs whose score is their
  id's time: due at once, no priority), one sorted-set insert (the rest) and one index update.
  Every enqueue goes through it: the engine groups what concurrent callers enqueue by queue, so
  under load many jobs share one call (a script call's overhead is most of a small job's cost).
  Guarantee: atomic for the whole group; a job with an idempotency key whose key was taken within
  its window writes nothing and answers the first job's id (also for a repeat within the group).

  KEYS[1] queue zset        KEYS[2] queue list        (job hashes and index keys are derived
                                                      from the shard prefix)
  ARGV[1] shard prefix      ARGV[2] tenant            ARGV[3] function    ARGV[4] queue id
  ARGV[5] now ms            ARGV[6] keyed-limit suffixes (\n; every job of the group has the same)
  ARGV[7] the engine's id (announcements of new work it makes skip it: lua/includes/fair.lua), or
          '-' when the engine takes these jobs at once itself: then nothing is announced
  ARGV[8] '1' when a job of the group has a retry key (a field of its call's hash), else ''
  ARGV[9..] per job: id, payload, max attempts, run-at ms ('' when not later than the job's
            enqueue time, its id's: then the record stores none), queue score ('' for a job due
            at once without priority, whose score is its id's time: it goes to the queue's list;
            the engine decides both, so no id is decoded here), idempotency key name
            ('' = none; the engine names it, hashing the caller's key), its field ('' = the key
            is a string of its own; else the key is its call's hash of retry keys and this the
            job's index in the call), how long the key deduplicates (ms), headers (encoded by
            the engine, '' = none; stored as data in field h), watched ('1': its end is
            announced and its status record kept, w = 1; '' = not), n, then n concurrency-key
            name, value pairs
  Returns one entry per job, in order: 0 = stored, or the id of the job an earlier enqueue with
  the same idempotency key stored (a duplicate: nothing written)
]]
local rcall = redis.call
-- @include keys
-- @include fair
-- @include counts
-- @include bulk

local queueKey, listKey = KEYS[1], KEYS[2]
local P, tenant, fn, qid, now, ks = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]

-- Writes the record of the job whose arguments start at ARGV[i] (n concurrency-key pairs). A
-- queued job's record is compact (docs/design.md, "job:<id>"): no state (queued), no attempts
-- (0), no tenant or function (its queue id names both), no enqueued-at (its id's time), no run-at
-- when due at once, no keyed-limit suffixes, headers or key values when it has none.
local function writeRecord(jobKey, i, n)
  if ARGV[i + 3] == '' and ks == '' and ARGV[i + 8] == '' and ARGV[i + 9] ~= '1' and n == 0 then
    -- most jobs: three fields, written without building a table for them
    rcall('HSET', jobKey, 'q', qid, 'p', ARGV[i + 1], 'ma', ARGV[i + 2])
    return
  end
  local fields = {'q', qid, 'p', ARGV[i + 1], 'ma', ARGV[i + 2]}
  if ARGV[i + 3] ~= '' then
    fields[#fields + 1] = 'ra'
    fields[#fields + 1] = ARGV[i + 3]
  end
  if ks ~= '' then
    fields[#fields + 1] = 'ks'
    fields[#fields + 1] = ks
  end
  if ARGV[i + 8] ~= '' then
    fields[#fields + 1] = 'h'
    fields[#fields + 1] = ARGV[i + 8] -- headers
  end
  if ARGV[i + 9] == '1' then -- watched
    fields[#fields + 1] = 'w'
    fields[#fields + 1] = '1'
  end
  for j = 0, n - 1 do
    fields[#fields + 1] = 'k:' .. ARGV[i + 11 + 2 * j]
    fields[#fields + 1] = ARGV[i + 12 + 2 * j]
  end
  rcall('HSET', jobKey, unpack(fields))
end

local out = {}
local members, listed = {}, {}
local earliest = nil
-- Retry keys (a field of their call's hash each): every hash's fields named here are read with
-- one HMGET first, and the new ones written with one HSET and one PEXPIRE (its longest window)
-- at the end, instead of an HSETNX per job.
local retry = {} -- hash -> {fields = {field -> id or false}, names = {...}, new = {...}, window}
if ARGV[7] == '-' then workQuiet = true else workOrigin = ARGV[7] end
local FIRST = 9 -- the first job's arguments
local i = FIRST
while ARGV[8] == '1' and i <= #ARGV do
  if ARGV[i + 6] ~= '' then
    local r = retry[ARGV[i + 5]]
    if not r then
      r = {fields = {}, names = {}, new = {}, window = 0}
      retry[ARGV[i + 5]] = r
    end
    if r.fields[ARGV[i + 6]] == nil then
      r.fields[ARGV[i + 6]] = false
      r.names[#r.names + 1] = ARGV[i + 6]
    end
  end
  i = i + 11 + 2 * tonumber(ARGV[i + 10])
end
for hash, r in pairs(retry) do
  local stored = rcall('HMGET', hash, unpack(r.names))
  for k, name in ipairs(r.names) do r.fields[name] = stored[k] end
end
i = FIRST
local written = 0
while i <= #ARGV do
  local id, score, idem, field = ARGV[i], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local watched, n = ARGV[i + 9], tonumber(ARGV[i + 10])
  local first = false
  if field ~= '' then
    local r = retry[idem]
    first = r.fields[field]
    if not first then -- new: taken by this job (a repeat later in the call finds it)
      r.fields[field] = id
      r.new[#r.new + 1] = field
      r.new[#r.new + 1] = id
      local window = tonumber(ARGV[i + 7])
      if r.window < window then r.window = window end
    end
  elseif idem ~= '' then -- one command when the key is new; its first job's id when not
    if not rcall('SET', idem, id, 'NX', 'PX', ARGV[i + 7]) then first = rcall('GET', idem) end
  end
  if first then
    -- A duplicate asked to be watched: so is the job it names, if that is still there.
    local firstKey = Key.job(P, first)
    if watched == '1' and rcall('EXISTS', firstKey) == 1 then rcall('HSET', firstKey, 'w', '1') end
    out[#out + 1] = first
  else
    writeRecord(Key.job(P, id), i, n)
    local at = now -- a list job is due (fair.lua): also on a clock behind the engine's
    if score == '' then
      listed[#listed + 1] = id
    else
      members[#members + 1] = score -- as text: Redis parses it, rather than format a number
      members[#members + 1] = id
      at = tonumber(score)
    end
    if earliest == nil or at < earliest then earliest = at end
    written = written + 1
    out[#out + 1] = 0
  end
  i = i + 11 + 2 * n
end
for hash, r in pairs(retry) do
  if #r.new > 0 then
    callInChunks('HSET', hash, r.new)
    rcall('PEXPIRE', hash, r.window)
  end
end
callInChunks('ZADD', queueKey, members)
callInChunks('RPUSH', listKey, listed)
if earliest then queueJoined(P, qid, earliest, now) end
countQueued(P, qid, written)
flushCounts(P)
return out
