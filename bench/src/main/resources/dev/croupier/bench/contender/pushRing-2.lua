-- pushRing: enqueue for the tenant-ring baseline. Appends jobs to one queue's list and, if the
-- queue was empty, appends its id to the ring of queues with work.
-- Guarantee: atomic; a queue id is in the ring exactly when its list is not empty.
-- KEYS[1] the ring (list of queue ids)   KEYS[2] the queue's list
-- ARGV[1] the queue id                   ARGV[2..] the jobs
-- Returns the queue's new length.
local rcall = redis.call
local ring, list = KEYS[1], KEYS[2]
local before = rcall('LLEN', list)
local after = rcall('RPUSH', list, unpack(ARGV, 2))
if before == 0 then
  rcall('RPUSH', ring, ARGV[1])
end
return after
