--[[
  requeueExpired: the scavenger's sweep: every job whose lease expired (its worker or engine
  died, or it stopped heartbeating) is retried now, or moved to the dead-letter queue when that
  was its last attempt. The expired delivery counts as an attempt, so a job that crashes its
  workers cannot loop forever.
  Guarantee: atomic per call; a job whose lease was extended in the meantime is left alone.

  KEYS[1] inflight
  ARGV[1] shard prefix      ARGV[2] now ms            ARGV[3] most jobs per call
  ARGV[4] budget us (includes/budget.lua)
  Returns {requeued, dead, more}: more is 1 when the call stopped on its budget
  (includes/budget.lua) with expired leases left, for the caller to sweep again at once.
]]
local rcall = redis.call
-- @include keys
-- @include fair
-- @include slots
-- @include finish
-- @include budget

local inflightKey = KEYS[1]
local P, now, most = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local budget = newBudget(tonumber(ARGV[4]), 4) -- the clock every fourth lease

local expired = rcall('ZRANGEBYSCORE', inflightKey, '-inf', now, 'LIMIT', 0, most)
local requeued, dead = 0, 0
local ends = {} -- watched jobs that died, announced in one message (includes/finish.lua)
local more = 0 -- 1: stopped on its budget (includes/budget.lua) with expired leases left
for k, id in ipairs(expired) do
  if k > 1 and spent(budget) then
    more = 1
    break
  end
  local jobKey = Key.job(P, id)
  local f = rcall('HMGET', jobKey, 'st', 'ld')
  if f[1] == 'running' and tonumber(f[2]) <= now then
    if failAttempt(P, jobKey, id, now, now, 'lease expired', false, ends) == 'dead' then
      dead = dead + 1
    else
      requeued = requeued + 1
    end
  else
    rcall('ZREM', inflightKey, id) -- not running any more: a stray entry
  end
end
publishEnds(P, ends)
flushCounts(P)
return {requeued, dead, more}
