--[[
  acquireRole: takes or renews a role lease (e.g. the scavenger's) so one engine at a time holds it.
  Guarantee: atomic; only the holder renews; an expired lease can be taken by anyone.

  KEYS[1] role lease
  ARGV[1] owner id          ARGV[2] lease ms
  Returns OK held by the caller | NOT_HOLDER held by another (includes/codes.lua)
]]
local rcall = redis.call
-- @include codes

local roleKey = KEYS[1]
local owner, leaseMs = ARGV[1], ARGV[2]

local holder = rcall('GET', roleKey)
if holder == owner then
  rcall('PEXPIRE', roleKey, leaseMs)
  return Code.OK
end
if holder then return Code.NOT_HOLDER end
rcall('SET', roleKey, owner, 'PX', leaseMs)
return Code.OK
