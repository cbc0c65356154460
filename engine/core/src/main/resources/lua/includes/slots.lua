-- Concurrency keys: sorted sets of in-flight job ids scored by lease expiry. In use = entries
-- whose lease has not expired, so a dead worker's slot frees itself without cleanup.
-- @include keys
-- @include index

local function slotsInUse(slotsKey, now)
  return rcall('ZCOUNT', slotsKey, '(' .. now, '+inf')
end

-- limits[i] > 0 is the limit of the concurrency key with suffix suffixes[i]; 0 means unlimited.
-- Returns how many more jobs fit (capped at `want`) and the index of the first full key (or 0).
local function freeSlots(P, now, limits, suffixes, want)
  local free = want
  for i = 1, #limits do
    if limits[i] > 0 then
      local left = limits[i] - slotsInUse(Key.slots(P, suffixes[i]), now)
      if left <= 0 then return 0, i end
      if left < free then free = left end
    end
  end
  return free, 0
end

-- The queue cannot run for lack of a slot of key `suffix`: hold it later in the index and
-- remember it, so that the ack that frees a slot pulls it back at once.
local function holdForCapacity(P, qid, suffix, now, backoff)
  rcall('ZADD', Key.holds(P), now + backoff, qid)
  rcall('SADD', Key.waiting(P, suffix), qid)
end

-- A slot of `suffix` was freed: give queues waiting on it their index score back.
local function pullBack(P, suffix, now)
  local qids = rcall('SPOP', Key.waiting(P, suffix), 16)
  for _, qid in ipairs(qids) do
    rcall('ZREM', Key.holds(P), qid)
    if rcall('EXISTS', Key.partitionLease(P, qid)) == 0 then
      reindexQueue(P, Key.tenantOfQueue(qid), qid, now)
    end
  end
end

-- Reads the limits and suffixes passed as ARGV[from .. from + 2n - 1] (n limits, then n suffixes).
local function readLimits(from, n)
  local limits, suffixes = {}, {}
  for i = 1, n do
    limits[i] = tonumber(ARGV[from + i - 1])
    suffixes[i] = ARGV[from + n + i - 1]
  end
  return limits, suffixes
end
