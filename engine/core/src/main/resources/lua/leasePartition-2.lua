--[[
  leasePartition: takes a virtual queue's partition lease so that other claimers skip it, after
  checking that the queue has due work and free capacity.
  Guarantee: atomic; at most one holder per queue; a queue at capacity is held later in the index
  (and remembered, so the ack that frees a slot pulls it back) instead of being rescanned.

  KEYS[1] partition lease   KEYS[2] queue zset
  (holds, index and concurrency keys are derived from the shard prefix and the suffixes below)
  ARGV[1] shard prefix      ARGV[2] lease token       ARGV[3] now ms      ARGV[4] lease ms
  ARGV[5] queue id          ARGV[6] tenant            ARGV[7] capacity backoff ms
  ARGV[8..11] limits of the function, tenant-function, tenant and queue-key concurrency keys
              (0 = unlimited)                         ARGV[12..15] their suffixes
  Returns OK leased | NOT_HOLDER leased by another | AT_CAPACITY a key is full | EMPTY
          | NOT_DUE (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include index
-- @include slots

local leaseKey, queueKey = KEYS[1], KEYS[2]
local P, token, now, leaseMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local qid, tenant, backoff = ARGV[5], ARGV[6], tonumber(ARGV[7])

if rcall('EXISTS', leaseKey) == 1 then return Code.NOT_HOLDER end

local first = rcall('ZRANGE', queueKey, 0, 0, 'WITHSCORES')
if not first[1] then
  reindexQueue(P, tenant, qid, now)
  return Code.EMPTY
end
if tonumber(first[2]) > now then
  reindexQueue(P, tenant, qid, now)
  return Code.NOT_DUE
end

local limits, suffixes = readLimits(8, 4)
local _, full = freeSlots(P, now, limits, suffixes, 1)
if full > 0 then
  holdForCapacity(P, qid, suffixes[full], now, backoff)
  reindexQueue(P, tenant, qid, now)
  return Code.AT_CAPACITY
end

rcall('SET', leaseKey, token, 'PX', leaseMs)
rcall('ZADD', Key.tenantQueues(P, tenant), now + leaseMs, qid)
reindexTenant(P, tenant)
return Code.OK
