--[[
  countFunctions: rebuilds a shard's per-function totals (cnt:f: q:<function>, r:<function>,
  d:<function>) from its per-tenant-function counters (cnt:q, cnt:r, cnt:d). Engines before
  storage layout 3 kept only the latter; the first engine of layout 3 on such a namespace runs
  this once per shard (StorageLayout). Pages through the counters with HSCAN, so its memory does
  not grow with the tenants; it holds Redis for about 1.4 s per million tenant-functions, once.
  Guarantee: atomic, so the totals match the counters at that instant whatever other engines do:
  safe to run again at any time.

  KEYS[1] the function totals (cnt:f)
  ARGV[1] shard prefix
  Returns how many totals it wrote
]]
local rcall = redis.call
-- @include keys

local totalsKey = KEYS[1]
local P = ARGV[1]
local totals = {}
for kind, key in pairs({q = Key.queuedCounts(P), r = Key.runningCounts(P), d = Key.deadCounts(P)}) do
  local cursor = '0'
  repeat
    local page = rcall('HSCAN', key, cursor, 'COUNT', 1000)
    cursor = page[1]
    local fields = page[2]
    for i = 1, #fields, 2 do
      local fn = string.match(fields[i], '^[^:]+:([^:]+)$')
      local n = tonumber(fields[i + 1])
      if fn and n and n > 0 then
        local field = kind .. ':' .. fn
        totals[field] = (totals[field] or 0) + n
      end
    end
  until cursor == '0'
end
rcall('DEL', totalsKey)
local written = 0
for field, n in pairs(totals) do
  rcall('HSET', totalsKey, field, n)
  written = written + 1
end
return written
