--[[
  enqueueJobs: writes many jobs of one virtual queue (a batch enqueue without idempotency keys)
  with one sorted-set insert and one index update, instead of one script call per job.
  Guarantee: atomic for the whole group.

  KEYS[1] queue zset        (job hashes and index keys are derived from the shard prefix)
  ARGV[1] shard prefix      ARGV[2] tenant            ARGV[3] function    ARGV[4] queue id
  ARGV[5] now ms            ARGV[6] keyed-limit suffixes (\n; every job of the group has the same)
  ARGV[7..] per job: id, payload, max attempts, run-at ms, queue score, n, then n
            concurrency-key name, value pairs
  Returns OK (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include fair
-- @include counts

local queueKey = KEYS[1]
local P, tenant, fn, qid, now, ks = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]

local members = {}
local earliest = nil
local i = 7
local written = 0
while i <= #ARGV do
  local id, score, n = ARGV[i], tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
  local jobKey = Key.job(P, id)
  rcall('HSET', jobKey, 't', tenant, 'f', fn, 'q', qid, 'p', ARGV[i + 1], 'a', 0,
    'ma', ARGV[i + 2], 'ra', ARGV[i + 3], 'ea', now, 'st', 'queued', 'ks', ks)
  for j = 0, n - 1 do
    rcall('HSET', jobKey, 'k:' .. ARGV[i + 6 + 2 * j], ARGV[i + 7 + 2 * j])
  end
  members[#members + 1] = score
  members[#members + 1] = id
  if #members >= 1000 then -- unpack has a stack limit: insert in chunks
    rcall('ZADD', queueKey, unpack(members))
    members = {}
  end
  if earliest == nil or score < earliest then earliest = score end
  i = i + 6 + 2 * n
  written = written + 1
end
if #members > 0 then rcall('ZADD', queueKey, unpack(members)) end
if earliest then queueJoined(P, qid, earliest, now) end
countQueued(P, qid, written)
return Code.OK
