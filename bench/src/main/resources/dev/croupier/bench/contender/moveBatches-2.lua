-- moveBatches: the round-robin batch mover's tick. Moves up to ARGV[2] jobs from every active
-- queue into the shared queue, interleaved one per queue per round (A1 B1 C1 A2 B2 ...), and drops
-- queues it emptied from the active set.
-- Guarantee: atomic; a job is in exactly one list at any time.
-- Baseline only: queue list names are built here from ARGV[1], so it runs on a single Redis only.
-- KEYS[1] active set (queue ids with jobs)   KEYS[2] shared list (workers BRPOP its tail)
-- ARGV[1] prefix of the per-queue lists      ARGV[2] batch size per queue
-- Returns the number of jobs moved.
local rcall = redis.call
local active, shared = KEYS[1], KEYS[2]
local prefix, batch = ARGV[1], tonumber(ARGV[2])
local queues = rcall('SMEMBERS', active)
local popped = {}
for i, q in ipairs(queues) do
  popped[i] = rcall('RPOP', prefix .. q, batch) or {}
  if rcall('LLEN', prefix .. q) == 0 then
    rcall('SREM', active, q)
  end
end
local moved = 0
for round = 1, batch do
  local any = false
  for i = 1, #queues do
    local job = popped[i][round]
    if job then
      rcall('LPUSH', shared, job)
      moved = moved + 1
      any = true
    end
  end
  if not any then break end
end
return moved
