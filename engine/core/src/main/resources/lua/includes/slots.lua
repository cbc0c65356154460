-- Concurrency keys: sorted sets of in-flight job ids scored by lease expiry. In use = entries
-- whose lease has not expired, so a dead worker's slot frees itself without cleanup.
-- @include keys

local function slotsInUse(slotsKey, now)
  return rcall('ZCOUNT', slotsKey, '(' .. now, '+inf')
end
