--[[
  peekQueues: the second tier of a claim: up to N due virtual queues of one tenant, the oldest few
  always and a random window of the rest when more are due.
  Guarantee: read-only.

  KEYS[1] tenant's queues (tq)
  ARGV[1] now ms            ARGV[2] N                 ARGV[3] random in [0,1)
  ARGV[4] oldest always included
  Returns {queue id, score, ...}
]]
local rcall = redis.call
-- @include window

local tenantQueuesKey = KEYS[1]
local now, N, u, head = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

local picked = dueWindow(tenantQueuesKey, now, N, u, head)
return picked
