--[[
  replayJob: puts a dead job back in its queue, due now, with its attempts reset.
  Guarantee: atomic; only a dead job is replayed.

  KEYS[1] job hash
  ARGV[1] shard prefix      ARGV[2] job id            ARGV[3] now ms
  Returns 1 replayed | 0 not dead | -3 unknown job
]]
local rcall = redis.call
-- @include index

local P, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f = rcall('HMGET', KEYS[1], 'st', 't', 'q')
if not f[1] then return -3 end
if f[1] ~= 'dead' then return 0 end
local tenant, qid = f[2], f[3]
rcall('ZREM', P .. 'dlq:' .. tenant, id)
rcall('HSET', KEYS[1], 'st', 'queued', 'a', 0, 'ra', now)
rcall('HDEL', KEYS[1], 'fa', 'le')
rcall('ZADD', P .. 'q:' .. qid, now, id)
lowerQueue(P, tenant, qid, now, now)
return 1
