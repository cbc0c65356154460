-- Key names, the Lua side of KeySchema: the same suffixes under the same shard prefix, built here
-- and nowhere else in the scripts (LuaMirrorsTest checks every function against KeySchema). P is
-- the shard prefix "<ns>:{c:N}:" that KeySchema.prefix builds and scripts take as ARGV[1]; a
-- script gets the keys it reads itself as KEYS and derives the ones its includes touch from P.
-- Concurrency keys travel as suffixes (cc:...), the form a job records in its lc and ks fields.
-- One table constructor: it is sized once, where 30 assignments would grow it step by step, on
-- every script call.

local Key = {

-- Virtual queues and the scheduler's index (includes/fair.lua says how they fit together).
  queue = function(P, qid) return P .. 'q:' .. qid end,
  queueList = function(P, qid) return P .. 'ql:' .. qid end,
  queueCancelled = function(P, qid) return P .. 'qx:' .. qid end,
  ready = function(P, fn) return P .. 'rdy:' .. fn end,
  tenantReady = function(P, tenant, fn) return P .. 'tfq:' .. tenant .. ':' .. fn end,
  tenantFunctions = function(P, tenant) return P .. 'tfs:' .. tenant end,
  timer = function(P) return P .. 'due' end,
  holds = function(P) return P .. 'hold' end,
  tenantTime = function(P, tenant) return P .. 'vt:' .. tenant end,
  systemTime = function(P) return P .. 'vt' end,
  plans = function(P) return P .. 'plan' end,
  costs = function(P) return P .. 'cost' end,
  retryPolicies = function(P) return P .. 'retry' end,
  pausedFunctions = function(P) return P .. 'paused' end,

-- Jobs.
  job = function(P, id) return P .. 'job:' .. id end,
  inflight = function(P) return P .. 'inflight' end,
  deadLetters = function(P, tenant) return P .. 'dlq:' .. tenant end,
  doneChannel = function(P) return P .. 'done' end,
  workChannel = function(P) return P .. 'work' end,

-- Concurrency keys.
  slots = function(P, suffix) return P .. suffix end,
  waiting = function(P, suffix) return P .. 'wait:' .. suffix end,
  functionSlots = function(fn) return 'cc:f:' .. fn end,
  tenantFunctionSlots = function(tenant, fn) return 'cc:tf:' .. tenant .. ':' .. fn end,
  tenantSlots = function(tenant) return 'cc:tn:' .. tenant end,
  keySlotsByToken = function(fn, keyName, token) return 'cc:k:' .. fn .. ':' .. keyName .. ':' .. token end,

-- The parts of a queue id (tenant:function[:keyToken]); tenant and function names hold no ':'.
  tenantOfQueue = function(qid) return string.match(qid, '^[^:]+') end,
  functionOfQueue = function(qid) return string.match(qid, '^[^:]+:([^:]+)') end,
  keyTokenOfQueue = function(qid) return string.match(qid, '^[^:]+:[^:]+:(.+)$') end,

-- The operator's counters (includes/counts.lua); KeySchema names them the same.
  queuedCounts = function(P) return P .. 'cnt:q' end,
  runningCounts = function(P) return P .. 'cnt:r' end,
  deadCounts = function(P) return P .. 'cnt:d' end,
  functionCounts = function(P) return P .. 'cnt:f' end,
  served = function(P, bucket) return P .. 'srv:' .. bucket end,
}
