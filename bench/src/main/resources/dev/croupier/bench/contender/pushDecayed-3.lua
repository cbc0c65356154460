-- pushDecayed: enqueue for the decayed-activity baseline. Appends jobs to one queue's list and
-- makes sure the queue is in the ready set, scored by its decayed activity so far.
-- Guarantee: atomic; a queue id is in the ready set exactly when its list is not empty.
-- KEYS[1] ready zset (queue id -> activity)   KEYS[2] activity zset (all queues ever served)
-- KEYS[3] the queue's list
-- ARGV[1] the queue id                        ARGV[2..] the jobs
-- Returns the queue's new length.
local rcall = redis.call
local ready, activity, list = KEYS[1], KEYS[2], KEYS[3]
local after = rcall('RPUSH', list, unpack(ARGV, 2))
local score = rcall('ZSCORE', activity, ARGV[1]) or 0
rcall('ZADD', ready, 'NX', score, ARGV[1])
return after
