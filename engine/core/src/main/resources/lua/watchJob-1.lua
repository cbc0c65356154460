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

local f = rcall('HMGET', jobKey, 'q', 'st')
if not f[1] then return Code.UNKNOWN_JOB end
rcall('HSET', jobKey, 'w', '1')
return f[2] or 'queued' -- a queued job's record has no state field
