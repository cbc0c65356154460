-- Peeking a due set fairly: when more members are due than asked for, the oldest `head` are always
-- included (the oldest work is always in view) and the rest is a random window (claimers peeking at once see
-- different members). u is a random number in [0,1) given by the caller (scripts must be
-- deterministic). Returns a flat {member, score, ...} list. Due members (score <= now) are the
-- lowest ranks, so the window is read by rank: O(log N + n), where a score range with a LIMIT
-- offset would walk the offset (slow with a million queues).
local function dueWindow(key, now, n, u, head)
  local due = rcall('ZCOUNT', key, '-inf', now)
  if due <= n then
    return rcall('ZRANGEBYSCORE', key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, n), due
  end
  if head > n then head = n end
  local picked = rcall('ZRANGEBYSCORE', key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, head)
  -- The window wraps around the due range past the head, so that every member is equally
  -- likely to be seen: a window that stopped at the end would rarely reach the last ranks
  -- (there, the tenants served most recently, which would weaken plan weights).
  local k, span = n - head, due - head
  local start = head + math.floor(u * span)
  local stop = math.min(start + k - 1, due - 1)
  local window = rcall('ZRANGE', key, start, stop, 'WITHSCORES')
  for i = 1, #window do picked[#picked + 1] = window[i] end
  local missing = k - (stop - start + 1)
  if missing > 0 then
    window = rcall('ZRANGE', key, head, head + missing - 1, 'WITHSCORES')
    for i = 1, #window do picked[#picked + 1] = window[i] end
  end
  return picked, due
end
