-- Reply codes: each means the same in every script. ReplyCode.java is the Java side of this
-- table (LuaMirrorsTest checks that they agree); change the two together. A script replies
-- either a bare code or, when it has data to give, the data (a table, or a job's state); OK is 1
-- and every failure is negative.

local Code = {
  OK = 1,
  -- The lease (a partition's or a role's) is not the caller's: another holds it, or it ran out.
  NOT_HOLDER = -1,
  -- The job is not running under the attempt given: it finished, was requeued, or its lease ended.
  STALE_LEASE = -2,
  -- No such job: never enqueued, or its status record expired.
  UNKNOWN_JOB = -3,
  -- A concurrency key the work needs has no free slot.
  AT_CAPACITY = -4,
  -- The queue has no jobs.
  EMPTY = -5,
  -- The queue's earliest job is not due yet.
  NOT_DUE = -6,
  -- The job already finished (succeeded or cancelled).
  FINISHED = -7,
  -- The job is not dead (only a dead job is replayed).
  NOT_DEAD = -8,
}
