-- claimRing: take the next job for the tenant-ring baseline. Rotates the ring one step (its head
-- goes to the tail) and pops that queue's oldest job; a queue left empty leaves the ring.
-- Guarantee: atomic; queues with work are served in strict rotation, one job per turn.
-- Baseline only: the queue list name is built here from ARGV[1], so it runs on a single Redis only.
-- KEYS[1] the ring (list of queue ids)
-- ARGV[1] prefix of the per-queue lists
-- Returns the job, or nil when every queue is empty.
local rcall = redis.call
local ring, prefix = KEYS[1], ARGV[1]
local q = rcall('LMOVE', ring, ring, 'LEFT', 'RIGHT')
if not q then return nil end
local job = rcall('LPOP', prefix .. q)
if rcall('LLEN', prefix .. q) == 0 then
  rcall('LREM', ring, -1, q)
end
return job
