-- claimDecayed: take the next job for the decayed-activity baseline: the oldest job of the queue
-- with the least exponentially decayed recent activity (least recently served first).
-- Decay without rewriting every score: scores are kept scaled by e^(lambda * (t - t0)), so one
-- served job at time t adds ARGV[2] = e^(lambda * (t - t0)); every score decays at the same rate,
-- so their order is the order of the decayed values.
-- Guarantee: atomic. Baseline only: the list name is built from ARGV[1] (single Redis only).
-- KEYS[1] ready zset   KEYS[2] activity zset
-- ARGV[1] prefix of the per-queue lists   ARGV[2] this claim's increment
-- Returns the job, or nil when no queue has work.
local rcall = redis.call
local ready, activity = KEYS[1], KEYS[2]
local prefix, inc = ARGV[1], ARGV[2]
local head = rcall('ZRANGE', ready, 0, 0)
local q = head[1]
if not q then return nil end
local job = rcall('LPOP', prefix .. q)
local score = rcall('ZINCRBY', activity, inc, q)
if rcall('LLEN', prefix .. q) == 0 then
  rcall('ZREM', ready, q)
else
  rcall('ZADD', ready, score, q)
end
return job
