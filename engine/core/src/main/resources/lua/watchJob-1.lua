--[[
  watchJob: marks a job as watched, so that its end is announced on the shard's done channel,
  and returns its state as of now (the caller subscribed first, so no end can slip between).
  Guarantee: atomic.

  KEYS[1] job hash
  Returns the job's state | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes

local jobKey = KEYS[1]

local st = rcall('HGET', jobKey, 'st')
if not st then return Code.UNKNOWN_JOB end
rcall('HSET', jobKey, 'w', '1')
return st
