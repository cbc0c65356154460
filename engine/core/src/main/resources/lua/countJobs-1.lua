--[[
  countJobs: the metrics' census of one shard: how many jobs are queued (ready, delayed, waiting
  for a retry or held at a limit) and how many are running, per tenant and function.
  Guarantee: read-only and atomic (one consistent picture). Its cost grows with the shard's
  queues with work, its timer entries and its running jobs, so the engine runs it every few
  seconds, never per scrape.

  KEYS[1] the shard's timer (due)
  ARGV[1] shard prefix      ARGV[2..] the functions whose ready sets to read
  Returns {tenant, function, queued, running, ...}
]]
local rcall = redis.call
-- @include keys

local timer = KEYS[1]
local P = ARGV[1]

local counts, order = {}, {}
local function add(tenant, fn, queued, running)
  local id = tenant .. ':' .. fn
  local c = counts[id]
  if not c then
    c = {tenant, fn, 0, 0}
    counts[id] = c
    order[#order + 1] = id
  end
  c[3] = c[3] + queued
  c[4] = c[4] + running
end

-- A tenant-function's ready queues (the tenant may be in the ready set, or held as a whole).
local seen = {}
local function addReadyQueues(tenant, fn)
  local id = tenant .. ':' .. fn
  if seen[id] then return end
  seen[id] = true
  for _, qid in ipairs(rcall('ZRANGE', Key.tenantReady(P, tenant, fn), 0, -1)) do
    add(tenant, fn, rcall('ZCARD', Key.queue(P, qid)), 0)
  end
end

for i = 2, #ARGV do
  local fn = ARGV[i]
  for _, tenant in ipairs(rcall('ZRANGE', Key.ready(P, fn), 0, -1)) do
    addReadyQueues(tenant, fn)
  end
end

-- The timer holds queues not due yet or held for a slot (queue ids), and held tenant-functions
-- ('~<tenant>:<function>', whose queues stay in the tenant-function's ready set).
for _, entry in ipairs(rcall('ZRANGE', timer, 0, -1)) do
  if string.sub(entry, 1, 1) == '~' then
    local tenant, fn = string.match(entry, '^~([^:]+):(.+)$')
    if tenant then addReadyQueues(tenant, fn) end
  else
    add(Key.tenantOfQueue(entry), Key.functionOfQueue(entry), rcall('ZCARD', Key.queue(P, entry)), 0)
  end
end

for _, id in ipairs(rcall('ZRANGE', Key.inflight(P), 0, -1)) do
  local qid = rcall('HGET', Key.job(P, id), 'q')
  if qid then add(Key.tenantOfQueue(qid), Key.functionOfQueue(qid), 0, 1) end
end

local out = {}
for _, id in ipairs(order) do
  local c = counts[id]
  out[#out + 1] = c[1]
  out[#out + 1] = c[2]
  out[#out + 1] = c[3]
  out[#out + 1] = c[4]
end
return out
