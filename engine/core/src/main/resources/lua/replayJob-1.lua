--[[
  replayJob: puts a dead job back in its queue, due now, with a fresh set of attempts.
  Guarantee: atomic; only a dead job is replayed. The attempt count is also the lease token, so
  it keeps counting: resetting it would make a token handed out before the replay valid again
  (a late ack of an old delivery would complete the new one). Instead the max attempts grow by
  the job's original max attempts ('mo', kept from the first replay on).

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] now ms
  Returns OK | NOT_DEAD | UNKNOWN_JOB (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include fair
-- @include counts

local jobKey = KEYS[1]
local P, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])

local f = rcall('HMGET', jobKey, 'q', 'st', 'a', 'ma', 'mo')
if not f[1] then return Code.UNKNOWN_JOB end
if f[2] ~= 'dead' then return Code.NOT_DEAD end
local qid = f[1]
local tenant = Key.tenantOfQueue(qid)
local originalMax = f[5] or f[4]
rcall('ZREM', Key.deadLetters(P, tenant), id)
rcall('HSET', jobKey, 'st', 'queued', 'ma', tonumber(f[3] or 0) + tonumber(originalMax), 'mo', originalMax,
  'ra', now)
rcall('HDEL', jobKey, 'fa', 'le')
rcall('ZADD', Key.queue(P, qid), now, id)
countDead(P, qid, -1)
countQueued(P, qid, 1)
queueJoined(P, qid, now, now)
flushCounts(P)
return Code.OK
