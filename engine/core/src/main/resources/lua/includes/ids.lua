-- Job ids, the Lua side of JobIds: <shard>-<26 chars>, the first ten the id's creation time in ms
-- (Crockford base32). A job due at once without priority has that time as its queue score, so
-- its queue's list needs to store nothing else (includes/fair.lua).

-- The value of a Crockford base32 digit from its byte: 0-9, then A-Z without I, L, O and U.
-- (Arithmetic rather than a lookup table: a table would be built again on every script call.)
local function base32Digit(b)
  if b < 65 then return b - 48 -- 0-9
  elseif b < 73 then return b - 55 -- A-H: 10-17
  elseif b < 77 then return b - 56 -- J, K: 18, 19
  elseif b < 80 then return b - 57 -- M, N: 20, 21
  elseif b < 86 then return b - 58 -- P-T: 22-26
  else return b - 59 end -- V-Z: 27-31
end

-- The creation time (ms) of job id `id`.
local function jobTime(id)
  local at = string.find(id, '-', 1, true)
  local t = 0
  for i = at + 1, at + 10 do t = t * 32 + base32Digit(string.byte(id, i)) end
  return t
end
