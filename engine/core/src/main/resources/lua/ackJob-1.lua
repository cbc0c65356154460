--[[
  ackJob: records a successful delivery: frees the job's slots (pulling back queues waiting for
  them), adds its cost to the tenant's decayed usage, and keeps a small status record.
  Guarantee: atomic; only the current lease (attempt) of a running job is accepted, so a worker
  whose lease expired cannot ack a redelivered job twice.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] attempt (lease token)
  ARGV[4] now ms            ARGV[5] cost ms           ARGV[6] usage half-life ms
  ARGV[7] status retention ms
  Returns 1 acked | -2 stale lease | -3 unknown job
]]
local rcall = redis.call
-- @include index
-- @include slots
-- @include finish

local P, id, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
local f = rcall('HMGET', KEYS[1], 'st', 'a', 't', 'lc', 'w')
if not f[1] then return -3 end
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return -2 end

releaseSlots(P, id, f[4], now)
addUsage(P, f[3], tonumber(ARGV[5]), now, tonumber(ARGV[6]))
rcall('HSET', KEYS[1], 'st', 'succeeded', 'fa', now)
rcall('HDEL', KEYS[1], 'p')
rcall('PEXPIRE', KEYS[1], ARGV[7])
announce(P, KEYS[1], id, f[5] or '0')
return 1
