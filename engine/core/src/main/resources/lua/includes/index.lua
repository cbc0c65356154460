-- Tiered index upkeep, shared by every script that changes a queue's contents, holds or lease.
-- P is the shard prefix ("<ns>:{c:N}:"). A queue's index score is its earliest job's score, raised
-- to its capacity hold or its partition lease expiry while those last.
-- @include keys

local function reindexTenant(P, tenant)
  local top = rcall('ZRANGE', Key.tenantQueues(P, tenant), 0, 0, 'WITHSCORES')
  if top[1] then
    rcall('ZADD', Key.tenants(P), top[2], tenant)
  else
    rcall('ZREM', Key.tenants(P), tenant)
  end
end

local function reindexQueue(P, tenant, qid, now)
  local tq, holds = Key.tenantQueues(P, tenant), Key.holds(P)
  local first = rcall('ZRANGE', Key.queue(P, qid), 0, 0, 'WITHSCORES')
  if not first[1] then
    rcall('ZREM', tq, qid)
    rcall('ZREM', holds, qid)
  else
    local score = tonumber(first[2])
    local hold = tonumber(rcall('ZSCORE', holds, qid) or '0')
    if hold > now and hold > score then score = hold end
    local ttl = rcall('PTTL', Key.partitionLease(P, qid))
    if ttl > 0 and now + ttl > score then score = now + ttl end
    rcall('ZADD', tq, score, qid)
  end
  reindexTenant(P, tenant)
end

-- A job with `score` joined the queue: lower the index if it is earlier, unless the queue is
-- leased (the lease holder reindexes on release) or held later for lack of capacity.
local function lowerQueue(P, tenant, qid, score, now)
  local tq = Key.tenantQueues(P, tenant)
  -- Fast path for backlogs: the queue is already indexed at or before this job.
  local current = rcall('ZSCORE', tq, qid)
  if current and tonumber(current) <= score then return end
  if rcall('EXISTS', Key.partitionLease(P, qid)) == 1 then return end
  local hold = tonumber(rcall('ZSCORE', Key.holds(P), qid) or '0')
  if hold > now and hold > score then score = hold end
  rcall('ZADD', tq, 'LT', score, qid)
  rcall('ZADD', Key.tenants(P), 'LT', score, tenant)
end
