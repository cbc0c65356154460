--[[
  ackJob: records a successful delivery: frees the job's slots (pulling back queues waiting for
  them), adds its cost to the tenant's decayed usage, and keeps a small status record.
  Guarantee: atomic; only the current lease (attempt) of a running job is accepted, so a worker
  whose lease expired cannot ack a redelivered job twice.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] attempt (lease token)
  ARGV[4] now ms            ARGV[5] cost ms           ARGV[6] usage half-life ms
  ARGV[7] status retention ms
  Returns OK | STALE_LEASE | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include index
-- @include slots
-- @include finish

local jobKey = KEYS[1]
local P, id, attempt, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local cost, halfLife, retention = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]

local f = rcall('HMGET', jobKey, 'st', 'a', 't', 'lc', 'w')
if not f[1] then return Code.UNKNOWN_JOB end
if f[1] ~= 'running' or f[2] ~= attempt then return Code.STALE_LEASE end

releaseSlots(P, id, f[4], now)
addUsage(P, f[3], cost, now, halfLife)
rcall('HSET', jobKey, 'st', 'succeeded', 'fa', now)
rcall('HDEL', jobKey, 'p')
rcall('PEXPIRE', jobKey, retention)
announce(P, jobKey, id, f[5] or '0')
return Code.OK
