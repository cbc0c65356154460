-- Commands over many arguments. Lua's unpack has a stack limit (about 8,000 values), so a long
-- list goes to Redis a thousand arguments per call: an even count, so score, member pairs stay
-- whole.

-- Calls `command` on `key` with the items of `list` as its further arguments, in chunks; with
-- `key` nil, the items are its only arguments (UNLINK of many keys).
-- Returns the chunks' replies run together when they are lists (as HMGET's), in order.
local function callInChunks(command, key, list)
  local out = {}
  for from = 1, #list, 1000 do
    local last = math.min(#list, from + 999)
    local reply
    if key then reply = rcall(command, key, unpack(list, from, last))
    else reply = rcall(command, unpack(list, from, last)) end
    if type(reply) == 'table' then
      for _, v in ipairs(reply) do out[#out + 1] = v end
    end
  end
  return out
end
