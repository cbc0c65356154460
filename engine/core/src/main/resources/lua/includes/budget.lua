-- How long one script call may hold Redis. Redis runs one script at a time and serves nobody else
-- meanwhile, so a call that loops over work of unknown cost (a claim's picks, a batch of
-- completions, a sweep of expired leases) stops starting more once it has run its budget and
-- answers what it did; its caller sends the rest in another call, and other clients' commands run
-- in between. A step costs 2-5 us on warm keys and 15-130 us on cold ones (a million one-job
-- tenants, whose keys miss the CPU's caches), so a count of steps cannot bound the time; the
-- clock can. The budget is the engine's (EngineOptions.scriptBudget, 750 us by default: with the
-- last step and the call's closing writes a call ends near 1 ms); a call always does its first
-- step (its first few, with `every` > 1), so a budget of 0 still makes progress. TIME is allowed
-- in a script that writes: scripts replicate their effects (Redis 5 and newer).

-- The clock in microseconds (Redis's, read with TIME).
local function clockUs()
  local t = rcall('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- A budget of `budget` us from now, for a loop that asks spent() before each step but its first.
-- It reads the clock every `every` steps: TIME is a command, and read before every job it would
-- add one to each job's count (a completion costs 2-30 us, so four of them overrun the budget
-- by little).
local function newBudget(budget, every)
  return {started = clockUs(), budget = budget, every = every, steps = 0}
end

-- Whether the budget is used up: true at most once every `every` calls.
local function spent(b)
  b.steps = b.steps + 1
  if b.steps % b.every ~= 0 then return false end
  return clockUs() - b.started >= b.budget
end
