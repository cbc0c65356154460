--[[
  cancelJob: cancels a job that has not finished, wherever it is (queued, retry pending, running
  or dead); a running job's worker finds its lease gone when it completes.
  Guarantee: atomic; a final job is left as it is.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] now ms
  ARGV[4] status retention ms (0 = keep no status record but a watched job's)
  Returns OK | FINISHED | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include fair
-- @include slots
-- @include finish
-- @include counts

local jobKey = KEYS[1]
local P, id, now, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])

local f = rcall('HMGET', jobKey, 'q', 'st', 'lc', 'w')
if not f[1] then return Code.UNKNOWN_JOB end
local qid, st = f[1], f[2] or 'queued' -- a queued job's record has no state field
local tenant = Key.tenantOfQueue(qid)
if st == 'succeeded' or st == 'cancelled' then return Code.FINISHED end

if st == 'queued' or st == 'failed' then
  -- Out of its queue's sorted set; a job that is not there is in the list. Out of that too when
  -- it is the list's first or last (the one job, or the one just enqueued); elsewhere it stays
  -- (finding it would scan the list), marked cancelled for the claim that reaches it.
  local removed = rcall('ZREM', Key.queue(P, qid), id)
  if removed == 0 and st == 'queued' then
    local list = Key.queueList(P, qid)
    if rcall('LINDEX', list, 0) == id then rcall('LPOP', list)
    elseif rcall('LINDEX', list, -1) == id then rcall('RPOP', list)
    else rcall('SADD', Key.queueCancelled(P, qid), id) end
    removed = 1
  end
  countQueued(P, qid, -removed)
  indexQueue(P, qid, now, systemTime(P))
elseif st == 'running' then
  releaseSlots(P, id, f[3], now)
  countRunning(P, qid, -1)
elseif st == 'dead' then
  rcall('ZREM', Key.deadLetters(P, tenant), id)
  countDead(P, qid, -1)
end
local kept = statusKept(retention, f[4])
if kept > 0 then
  rcall('HSET', jobKey, 'st', 'cancelled', 'fa', now)
  rcall('HDEL', jobKey, 'p')
  rcall('PEXPIRE', jobKey, kept)
  announce(P, jobKey, id, f[4] or '0') -- as it ended: a watched job always keeps its record
else
  rcall('UNLINK', jobKey) -- no status record kept (retention zero, not watched)
end
flushCounts(P)
return Code.OK
