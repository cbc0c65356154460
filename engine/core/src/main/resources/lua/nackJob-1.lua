--[[
  nackJob: records a failed delivery: frees its slots, adds its cost to usage, and retries it at
  the given time or, when failing for good or out of attempts, moves it to the dead-letter queue.
  Guarantee: atomic; only the current lease (attempt) of a running job is accepted.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] attempt (lease token)
  ARGV[4] now ms            ARGV[5] retry-at ms       ARGV[6] 1 = fail for good
  ARGV[7] error message     ARGV[8] cost ms           ARGV[9] usage half-life ms
  Returns OK | STALE_LEASE | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include index
-- @include slots
-- @include finish

local jobKey = KEYS[1]
local P, id, attempt, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local retryAt, forGood, err = tonumber(ARGV[5]), ARGV[6] == '1', ARGV[7]
local cost, halfLife = tonumber(ARGV[8]), tonumber(ARGV[9])

local f = rcall('HMGET', jobKey, 'st', 'a', 't')
if not f[1] then return Code.UNKNOWN_JOB end
if f[1] ~= 'running' or f[2] ~= attempt then return Code.STALE_LEASE end

addUsage(P, f[3], cost, now, halfLife)
failAttempt(P, jobKey, id, now, retryAt, err, forGood)
return Code.OK
