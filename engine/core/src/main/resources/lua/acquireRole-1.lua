--[[
  acquireRole: takes or renews a role lease (e.g. the scavenger's) so one engine at a time holds it.
  Guarantee: atomic; only the holder renews; an expired lease can be taken by anyone.

  KEYS[1] role lease
  ARGV[1] owner id          ARGV[2] lease ms
  Returns 1 held by the caller | 0 held by another
]]
local rcall = redis.call
local holder = rcall('GET', KEYS[1])
if holder == ARGV[1] then
  rcall('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
rcall('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
