--[[
  releasePartition: gives back a partition lease and puts the queue back in the index at its
  earliest job, or held later when it still has due work but no free slot.
  Guarantee: atomic; only the lease holder's token releases it (a stale release only reindexes).

  KEYS[1] partition lease   KEYS[2] queue zset
  (holds, index and concurrency keys are derived from the shard prefix and the suffixes below)
  ARGV[1] shard prefix      ARGV[2] lease token       ARGV[3] now ms      ARGV[4] queue id
  ARGV[5] tenant            ARGV[6] capacity backoff ms
  ARGV[7..10] limits of the queue-level keys          ARGV[11..14] their suffixes
  Returns OK released | NOT_HOLDER the lease was not ours (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include index
-- @include slots

local leaseKey, queueKey = KEYS[1], KEYS[2]
local P, token, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local qid, tenant, backoff = ARGV[4], ARGV[5], tonumber(ARGV[6])

if rcall('GET', leaseKey) ~= token then
  return Code.NOT_HOLDER
end
rcall('DEL', leaseKey)

local due = rcall('ZRANGEBYSCORE', queueKey, '-inf', now, 'LIMIT', 0, 1)
if due[1] then
  local limits, suffixes = readLimits(7, 4)
  local _, full = freeSlots(P, now, limits, suffixes, 1)
  if full > 0 then holdForCapacity(P, qid, suffixes[full], now, backoff) end
end
reindexQueue(P, tenant, qid, now)
return Code.OK
