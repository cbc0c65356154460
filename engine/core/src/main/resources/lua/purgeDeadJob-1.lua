--[[
  purgeDeadJob: deletes a dead job for good: its dead letter and its record.
  Guarantee: atomic; only a dead job is deleted.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id
  Returns OK | NOT_DEAD | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include counts

local jobKey = KEYS[1]
local P, id = ARGV[1], ARGV[2]

local f = rcall('HMGET', jobKey, 'q', 'st')
if not f[1] then return Code.UNKNOWN_JOB end
if f[2] ~= 'dead' then return Code.NOT_DEAD end
rcall('ZREM', Key.deadLetters(P, Key.tenantOfQueue(f[1])), id)
rcall('DEL', jobKey)
countDead(P, f[1], -1)
flushCounts(P)
return Code.OK
