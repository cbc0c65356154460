--[[
  leaseJobs: leases up to N due jobs of a virtual queue whose partition lease the caller holds.
  Guarantee: atomic; a job is leased by one claimer at a time; no concurrency key the job names
  goes over its limit (the queue-level keys bound the batch, secondary keyed limits are checked
  per job and a blocked job is skipped, not leased). Each leased job moves to inflight and to the
  concurrency keys that have a limit (recorded in its 'lc' field for the ack) with score = lease
  expiry (the visibility timeout is kept in 'vt' for heartbeats), and its attempt count (the
  lease token) goes up. The tenant's last-served time is recorded in the usage hash.

  KEYS[1] partition lease   KEYS[2] queue zset        KEYS[3] inflight
  ARGV[1] shard prefix      ARGV[2] lease token       ARGV[3] now ms      ARGV[4] max jobs
  ARGV[5] visibility timeout ms
  ARGV[6..9] limits of the queue-level keys (function, tenant-function, tenant, queue key)
  ARGV[10..13] their suffixes
  ARGV[14..] limits of the function's keyed limits, in order (the first is the queue key)
  Returns {{id, payload, attempt, max attempts, enqueued-at, {key name, value, ...}}, ...}
          | NOT_HOLDER the lease is lost | AT_CAPACITY no free slot (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes
-- @include keys
-- @include slots

local leaseKey, queueKey, inflightKey = KEYS[1], KEYS[2], KEYS[3]
local P, token, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local want, vt = tonumber(ARGV[4]), tonumber(ARGV[5])

if rcall('GET', leaseKey) ~= token then return Code.NOT_HOLDER end

local limits, suffixes = readLimits(6, 4)
local free = freeSlots(P, now, limits, suffixes, want)
if free <= 0 then return Code.AT_CAPACITY end

local keyedLimits = {}
for i = 14, #ARGV do keyedLimits[#keyedLimits + 1] = tonumber(ARGV[i]) end
local secondary = #keyedLimits > 1

-- Only keys with a limit are tracked (an unlimited key costs nothing). The queue-level ones are
-- the same for every job of this queue; the primary keyed limit is among them.
local queueHeld = {}
for i = 1, 4 do
  if limits[i] > 0 then queueHeld[#queueHeld + 1] = suffixes[i] end
end

-- With secondary keyed limits, look a little past `free` so that blocked jobs do not stall the queue.
local candidates = rcall('ZRANGEBYSCORE', queueKey, '-inf', now, 'LIMIT', 0, secondary and free * 4 or free)
local out = {}
local tenant = nil
local deadline = now + vt
local taken = 0
for _, id in ipairs(candidates) do
  if taken >= free then break end
  local jobKey = Key.job(P, id)
  local f = rcall('HMGET', jobKey, 'st', 'ks', 'a', 'p', 'ma', 'ea', 't')
  if not f[1] then
    -- The hash is gone (expired status record): drop the stray id (without secondary limits the
    -- range removal below drops it, and a ZREM here would shift the ranks it removes).
    if secondary then rcall('ZREM', queueKey, id) end
  else
    local held = {}
    for _, suffix in ipairs(queueHeld) do held[#held + 1] = suffix end
    local blocked = false
    local i = 0
    for suffix in string.gmatch(f[2] or '', '[^\n]+') do
      i = i + 1
      local lim = keyedLimits[i] or 0
      if i > 1 and lim > 0 then
        if slotsInUse(Key.slots(P, suffix), now) >= lim then
          blocked = true
          break
        end
        held[#held + 1] = suffix
      end
    end
    if not blocked then
      if secondary then rcall('ZREM', queueKey, id) end
      local attempt = tonumber(f[3]) + 1
      local heldList = table.concat(held, '\n')
      rcall('HSET', jobKey, 'a', attempt, 'st', 'running', 'ld', deadline, 'lc', heldList, 'vt', vt)
      rcall('ZADD', inflightKey, deadline, id)
      for _, suffix in ipairs(held) do
        rcall('ZADD', Key.slots(P, suffix), deadline, id)
      end
      local kv = {}
      if f[2] and f[2] ~= '' then -- keyed jobs carry their key values as k:<name> fields
        local all = rcall('HGETALL', jobKey)
        for j = 1, #all, 2 do
          if string.sub(all[j], 1, 2) == 'k:' then
            kv[#kv + 1] = string.sub(all[j], 3)
            kv[#kv + 1] = all[j + 1]
          end
        end
      end
      out[#out + 1] = {id, f[4], attempt, tonumber(f[5]), tonumber(f[6]), kv}
      taken = taken + 1
      tenant = f[7]
    end
  end
end
-- Without secondary limits every candidate was taken (or was a stray): they are the lowest ranks.
if not secondary and #candidates > 0 then
  rcall('ZREMRANGEBYRANK', queueKey, 0, #candidates - 1)
end
-- When the tenant was last served: fairness ages a tenant by how long it has waited unserved.
if tenant then rcall('HSET', Key.usage(P), 'l:' .. tenant, now) end
return out
