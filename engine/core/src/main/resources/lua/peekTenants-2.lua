--[[
  peekTenants: the first tier of a claim: up to T due tenants with what the weighted shuffle
  needs. When more than T are due, the oldest few are always included (no starvation) and the
  rest is a random window, so claimers peeking at once see different tenants.
  Guarantee: read-only.

  KEYS[1] tenants index     KEYS[2] usage hash
  ARGV[1] shard prefix      ARGV[2] now ms            ARGV[3] T           ARGV[4] random in [0,1)
  ARGV[5] oldest always included                      ARGV[6] usage half-life ms
  Returns {due count, next due score or -1,
           tenant, score, decayed usage, in flight, due queues (0, 1, or 2 = several),
           earliest due queue id,
           last served ms (0 = never), ...}
]]
local rcall = redis.call
-- @include keys
-- @include slots
-- @include window

local tenantsKey, usageKey = KEYS[1], KEYS[2]
local P, now, T, u = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local head, halfLife = tonumber(ARGV[5]), tonumber(ARGV[6])

local picked, due = dueWindow(tenantsKey, now, T, u, head)

local nextDue = -1
local after = rcall('ZRANGEBYSCORE', tenantsKey, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if after[2] then nextDue = after[2] end

local out = {due, nextDue}
for i = 1, #picked, 2 do
  local tenant = picked[i]
  local vals = rcall('HMGET', usageKey, 'v:' .. tenant, 't:' .. tenant, 'l:' .. tenant)
  local usage = 0
  if vals[1] then
    usage = tonumber(vals[1]) * math.pow(0.5, (now - tonumber(vals[2])) / halfLife)
  end
  out[#out + 1] = tenant
  out[#out + 1] = picked[i + 1]
  out[#out + 1] = tostring(usage)
  out[#out + 1] = slotsInUse(Key.slots(P, Key.tenantSlots(tenant)), now)
  -- Most tenants have one due queue: naming it saves the claimer a queue peek. Whether there
  -- are several is all the claimer needs to know (then it peeks them), so two are read.
  local first = rcall('ZRANGEBYSCORE', Key.tenantQueues(P, tenant), '-inf', now, 'LIMIT', 0, 2)
  out[#out + 1] = #first
  out[#out + 1] = first[1] or ''
  out[#out + 1] = vals[3] or '0'
end
return out
