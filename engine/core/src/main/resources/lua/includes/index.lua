-- Tiered index upkeep, shared by every script that changes a queue's contents, holds or lease.
-- P is the shard prefix ("<ns>:{c:N}:"); the suffixes mirror KeySchema: q:<qid>, tq:<tenant>,
-- tenants, hold, lease:<qid>. A queue's index score is its earliest job's score, raised to
-- its capacity hold or its partition lease expiry while those last.

local function reindexTenant(P, tenant)
  local top = rcall('ZRANGE', P .. 'tq:' .. tenant, 0, 0, 'WITHSCORES')
  if top[1] then
    rcall('ZADD', P .. 'tenants', top[2], tenant)
  else
    rcall('ZREM', P .. 'tenants', tenant)
  end
end

local function reindexQueue(P, tenant, qid, now)
  local first = rcall('ZRANGE', P .. 'q:' .. qid, 0, 0, 'WITHSCORES')
  if not first[1] then
    rcall('ZREM', P .. 'tq:' .. tenant, qid)
    rcall('ZREM', P .. 'hold', qid)
  else
    local score = tonumber(first[2])
    local hold = tonumber(rcall('ZSCORE', P .. 'hold', qid) or '0')
    if hold > now and hold > score then score = hold end
    local ttl = rcall('PTTL', P .. 'lease:' .. qid)
    if ttl > 0 and now + ttl > score then score = now + ttl end
    rcall('ZADD', P .. 'tq:' .. tenant, score, qid)
  end
  reindexTenant(P, tenant)
end

-- A job with `score` joined the queue: lower the index if it is earlier, unless the queue is
-- leased (the lease holder reindexes on release) or held later for lack of capacity.
local function lowerQueue(P, tenant, qid, score, now)
  -- Fast path for backlogs: the queue is already indexed at or before this job.
  local current = rcall('ZSCORE', P .. 'tq:' .. tenant, qid)
  if current and tonumber(current) <= score then return end
  if rcall('EXISTS', P .. 'lease:' .. qid) == 1 then return end
  local hold = tonumber(rcall('ZSCORE', P .. 'hold', qid) or '0')
  if hold > now and hold > score then score = hold end
  rcall('ZADD', P .. 'tq:' .. tenant, 'LT', score, qid)
  rcall('ZADD', P .. 'tenants', 'LT', score, tenant)
end
