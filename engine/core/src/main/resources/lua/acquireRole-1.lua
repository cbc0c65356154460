--[[
  acquireRole: takes or renews a role lease (e.g. the scavenger's) so one engine at a time holds it.
  Guarantee: atomic; only the holder renews; an expired lease can be taken by anyone.

  KEYS[1] role lease
  ARGV[1] owner id          ARGV[2] lease ms
  Returns 1 held by the caller | 0 held by another
]]
local rcall = redis.call

local roleKey = KEYS[1]
local owner, leaseMs = ARGV[1], ARGV[2]

local holder = rcall('GET', roleKey)
if holder == owner then
  rcall('PEXPIRE', roleKey, leaseMs)
  return 1
end
if holder then return 0 end
rcall('SET', roleKey, owner, 'PX', leaseMs)
return 1
