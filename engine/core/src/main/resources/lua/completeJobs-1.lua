--[[
  completeJobs: records how many deliveries of one shard ended, in one call (acks, retries and
  failures coalesced by the engine's completion batcher): frees each job's slots (waking what
  waits for them), settles its cost (the tenant's virtual time is corrected from the claim's
  estimate to the measured cost), and keeps a small status record (or, when the status retention
  is zero, deletes a succeeded job's record unless it is watched), retries it (at the time
  given, or after the function's backoff with full jitter), or moves it to the dead-letter queue.
  Guarantee: atomic for the whole batch; each job's completion is accepted only with its current
  lease token (a secret random per lease, set by claimJobs and kept until the next lease): a
  foreign or older token is answered exactly as a missing job, so nobody can settle a job they do
  not hold, and a worker whose lease expired cannot complete the redelivery. The holder of the
  latest lease, once it ended (settled, cancelled, expired and requeued), is told STALE_LEASE.

  KEYS[1] inflight
  ARGV[1] shard prefix      ARGV[2] now ms            ARGV[3] status retention ms (0 = keep no
                                                      status record but a watched job's)
  ARGV[4] virtual-time retention ms                   ARGV[5] 1 = weights count
  ARGV[6] budget us (includes/budget.lua)
  ARGV[7..] per job, 7 values: id, lease token, outcome (s = success, r = retry, f = fail for good),
            cost ms, retry-at ms (-1 = the function's backoff), error, uniform random in [0,1)
            (for a retry; 0 otherwise)
  Returns one code per job it settled, in order: OK | STALE_LEASE | UNKNOWN_JOB (includes/codes.lua).
  A call settles at least four jobs (all when it has fewer) and stops starting more past its budget
  (includes/budget.lua): fewer codes than jobs mean the caller sends the rest again.
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include fair
-- @include finish
-- @include counts
-- @include bulk
-- @include budget

local inflightKey = KEYS[1]
local P, now, retention = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local vtRetention, weighted = tonumber(ARGV[4]), ARGV[5] == '1'
local budget = newBudget(tonumber(ARGV[6]), 4) -- the clock every fourth job

local out = {}
local tally = newTally() -- the operator's counters (includes/counts.lua), written once per batch
local settlement = newSettlement() -- cost corrections, written once per tenant (includes/finish.lua)
local gone = {} -- succeeded jobs' inflight entries, removed with one ZREM
local dropped = {} -- succeeded jobs' records when no status record is kept
local ends = {} -- watched jobs that ended, announced in one message (includes/finish.lua)
local queues = {} -- queue id -> {tenant, function, counter field}: a batch often ends several of one queue
for i = 7, #ARGV, 7 do
  if i > 7 and spent(budget) then break end -- the caller sends the rest again
  local id, token, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local cost = tonumber(ARGV[i + 3])
  local jobKey = Key.job(P, id)
  local f = rcall('HMGET', jobKey, 'st', 'lt', 'q', 'lc', 'w', 'ec', 'ef')
  if not f[1] or f[2] ~= token then
    out[#out + 1] = Code.UNKNOWN_JOB
  elseif f[1] ~= 'running' then
    out[#out + 1] = Code.STALE_LEASE
  else
    local qid = f[3]
    local q = queues[qid]
    if not q then
      q = {Key.tenantOfQueue(qid), Key.functionOfQueue(qid), countField(qid)}
      queues[qid] = q
    end
    local tenant, fn = q[1], q[2]
    settle(settlement, q[3], tenant, fn, f[6] and tonumber(f[6]) or nil, f[7] == '1', cost)
    tallyCompletion(tally, tenant, q[3], cost, outcome == 's')
    if outcome == 's' then
      releaseSlots(P, id, f[4], now, gone)
      local kept = statusKept(retention, f[5])
      if kept > 0 then
        -- The status record keeps no payload (emptied here rather than deleted: one command).
        -- Numbers as text: Redis would format each number a script passes it (%.17g), per job.
        rcall('HSET', jobKey, 'st', 'succeeded', 'fa', ARGV[2], 'p', '')
        rcall('PEXPIRE', jobKey, kept == retention and ARGV[3] or string.format('%d', kept))
        announce(P, jobKey, id, f[5] or '0', ends)
      else
        dropped[#dropped + 1] = jobKey -- no status record kept: deleted with the batch's one UNLINK
      end
    else
      local attempts = tonumber(rcall('HGET', jobKey, 'a')) -- read here: few completions fail
      local at = retryTime(P, fn, attempts, now, tonumber(ARGV[i + 4]), tonumber(ARGV[i + 6]))
      failAttempt(P, jobKey, id, now, at, ARGV[i + 5], outcome == 'f', ends)
    end
    out[#out + 1] = Code.OK
  end
end
callInChunks('ZREM', inflightKey, gone)
callInChunks('UNLINK', nil, dropped) -- UNLINK: a big record is freed off the main thread
publishEnds(P, ends)
flushSettlement(P, settlement, weighted, vtRetention)
flushTally(P, tally, now)
flushCounts(P)
return out
