-- Job ids, the Lua side of JobIds: <shard>-<26 chars>, the first ten the id's creation time in ms
-- (Crockford base32). A job due at once without priority has that time as its queue score, so
-- its queue's list needs to store nothing else (includes/fair.lua).

local ID_DIGITS = {}
for i = 1, 32 do ID_DIGITS[string.byte('0123456789ABCDEFGHJKMNPQRSTVWXYZ', i)] = i - 1 end

-- The creation time (ms) of job id `id`.
local function jobTime(id)
  local at = string.find(id, '-', 1, true)
  local t = 0
  for i = at + 1, at + 10 do t = t * 32 + ID_DIGITS[string.byte(id, i)] end
  return t
end
