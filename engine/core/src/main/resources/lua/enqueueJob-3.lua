--[[
  enqueueJob: writes one job and puts it in its virtual queue, lowering the queue's, the tenant's
  and the shard's index scores when it is earlier.
  Guarantee: atomic; with an idempotency key, a second enqueue within the window writes nothing and
  returns the first job's id.

  KEYS[1] job hash          KEYS[2] queue zset        KEYS[3] idempotency key (unused if ARGV[11]=0)
  (the index keys are derived from the shard prefix by the fair include)
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] tenant      ARGV[4] function
  ARGV[5] queue id          ARGV[6] payload           ARGV[7] max attempts
  ARGV[8] run-at ms         ARGV[9] queue score       ARGV[10] now ms
  ARGV[11] idempotency window ms, 0 = none
  ARGV[12] keyed-limit suffixes (\n, in the function's keyed-limit order)
  ARGV[13..] concurrency-key name, value pairs
  Returns {job id, 1 if duplicate else 0}
]]
local rcall = redis.call
-- @include fair
-- @include counts

local jobKey, queueKey, idempotencyKey = KEYS[1], KEYS[2], KEYS[3]
local P, id, tenant, qid = ARGV[1], ARGV[2], ARGV[3], ARGV[5]
local now, score, window = tonumber(ARGV[10]), tonumber(ARGV[9]), tonumber(ARGV[11])

if window > 0 then
  local first = rcall('GET', idempotencyKey)
  if first then return {first, 1} end
  rcall('SET', idempotencyKey, id, 'PX', window)
end

rcall('HSET', jobKey, 't', tenant, 'f', ARGV[4], 'q', qid, 'p', ARGV[6], 'a', 0,
  'ma', ARGV[7], 'ra', ARGV[8], 'ea', ARGV[10], 'st', 'queued', 'ks', ARGV[12])
for i = 13, #ARGV, 2 do
  rcall('HSET', jobKey, 'k:' .. ARGV[i], ARGV[i + 1])
end
rcall('ZADD', queueKey, score, id)
countQueued(P, qid, 1)
queueJoined(P, qid, score, now)
return {id, 0}
