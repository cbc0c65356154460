--[[
  extendLease: a heartbeat: moves a running job's lease expiry (in inflight and in every
  concurrency key it holds) to now + visibility timeout.
  Guarantee: atomic; only the current lease of a running job is extended (its token must match;
  a foreign or old token is answered as for a missing job), and only
  before its deadline: from the deadline on its slots count as free (ZCOUNT now..+inf) and may
  already be another job's, so a late heartbeat is stale and the job waits for the scavenger.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] lease token ARGV[4] now ms
  The extension is the visibility timeout the job was leased with ('vt', set by claimJobs).
  Returns OK | STALE_LEASE | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys

local jobKey = KEYS[1]
local P, id, token, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local f = rcall('HMGET', jobKey, 'st', 'lt', 'lc', 'ld', 'vt')
if not f[1] or f[2] ~= token then return Code.UNKNOWN_JOB end
if f[1] ~= 'running' then return Code.STALE_LEASE end
if tonumber(f[4]) <= now then return Code.STALE_LEASE end

local deadline = now + tonumber(f[5])
rcall('HSET', jobKey, 'ld', deadline)
rcall('ZADD', Key.inflight(P), deadline, id)
for suffix in string.gmatch(f[3] or '', '[^\n]+') do
  rcall('ZADD', Key.slots(P, suffix), deadline, id)
end
return Code.OK
