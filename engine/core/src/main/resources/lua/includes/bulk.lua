-- Commands over many arguments. Lua's unpack has a stack limit (about 8,000 values), so a long
-- list goes to Redis a thousand arguments per call: an even count, so score, member pairs stay
-- whole.

-- Calls `command` on `key` with the items of `list` as its further arguments, in chunks.
local function callInChunks(command, key, list)
  for from = 1, #list, 1000 do
    rcall(command, key, unpack(list, from, math.min(#list, from + 999)))
  end
end
