--[[
  extendLeases: heartbeats: moves running jobs' lease expiry (in inflight and in every
  concurrency key each holds) to now + the visibility timeout it was leased with ('vt', set by
  claimJobs). One call per shard carries every heartbeat of a flush (the engine coalesces them).
  Guarantee: atomic for the batch; each entry is judged on its own: only the current lease of a
  running job is extended (its token must match; a foreign or old token is answered as for a
  missing job), and only before its deadline: from the deadline on its slots count as free
  (ZCOUNT now..+inf) and may already be another job's, so a late heartbeat is stale and the job
  waits for the scavenger.

  KEYS[1] inflight
  ARGV[1] shard prefix      ARGV[2] now ms
  ARGV[3..] per job: id, lease token
  Returns one code per job, in order: OK | STALE_LEASE | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include bulk

local inflightKey = KEYS[1]
local P, now = ARGV[1], tonumber(ARGV[2])

local out = {}
local moved = {} -- score, id pairs for inflight, written with one ZADD
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local jobKey = Key.job(P, id)
  local f = rcall('HMGET', jobKey, 'st', 'lt', 'lc', 'ld', 'vt')
  if not f[1] or f[2] ~= token then
    out[#out + 1] = Code.UNKNOWN_JOB
  elseif f[1] ~= 'running' or tonumber(f[4]) <= now then
    out[#out + 1] = Code.STALE_LEASE
  else
    local deadline = now + tonumber(f[5])
    rcall('HSET', jobKey, 'ld', deadline)
    moved[#moved + 1] = deadline
    moved[#moved + 1] = id
    for suffix in string.gmatch(f[3] or '', '[^\n]+') do
      rcall('ZADD', Key.slots(P, suffix), deadline, id)
    end
    out[#out + 1] = Code.OK
  end
end
callInChunks('ZADD', inflightKey, moved)
return out
