--[[
  watchJobs: marks jobs of one shard as watched, so that their ends are announced on the shard's
  done channel, and returns each one's state as of now (the caller registered its waiters first,
  so no end can slip between). One call marks every job that one flush of concurrent watchers
  asked for.
  Guarantee: atomic; writes nothing for a job that does not exist.

  KEYS[1] the first job's hash   (the others are derived from the shard prefix, like it)
  ARGV[1] shard prefix           ARGV[2..] job ids, the first being KEYS[1]'s
  Returns one state per id, in order: queued, running, succeeded, failed, dead or cancelled, or
  '' for a job that does not exist (or whose status record expired)
]]
local rcall = redis.call
-- @include keys

local firstJob = KEYS[1]
local P = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local jobKey = i == 2 and firstJob or Key.job(P, ARGV[i])
  local f = rcall('HMGET', jobKey, 'q', 'st')
  if f[1] then
    rcall('HSET', jobKey, 'w', '1')
    out[i - 1] = f[2] or 'queued' -- a queued job's record has no state field
  else
    out[i - 1] = ''
  end
end
return out
