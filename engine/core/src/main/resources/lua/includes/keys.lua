-- Key names, the Lua side of KeySchema: the same suffixes under the same shard prefix, built here
-- and nowhere else in the scripts (LuaMirrorsTest checks every function against KeySchema). P is
-- the shard prefix "<ns>:{c:N}:" that KeySchema.prefix builds and scripts take as ARGV[1]; a
-- script gets the keys it reads itself as KEYS and derives the ones its includes touch from P.
-- Concurrency keys travel as suffixes (cc:...), the form a job records in its lc and ks fields.

local Key = {}

-- Virtual queues and the scheduler's index (includes/fair.lua says how they fit together).
function Key.queue(P, qid) return P .. 'q:' .. qid end
function Key.queueList(P, qid) return P .. 'ql:' .. qid end
function Key.queueCancelled(P, qid) return P .. 'qx:' .. qid end
function Key.ready(P, fn) return P .. 'rdy:' .. fn end
function Key.tenantReady(P, tenant, fn) return P .. 'tfq:' .. tenant .. ':' .. fn end
function Key.tenantFunctions(P, tenant) return P .. 'tfs:' .. tenant end
function Key.timer(P) return P .. 'due' end
function Key.holds(P) return P .. 'hold' end
function Key.tenantTime(P, tenant) return P .. 'vt:' .. tenant end
function Key.systemTime(P) return P .. 'vt' end
function Key.plans(P) return P .. 'plan' end
function Key.costs(P) return P .. 'cost' end
function Key.retryPolicies(P) return P .. 'retry' end
function Key.pausedFunctions(P) return P .. 'paused' end

-- Jobs.
function Key.job(P, id) return P .. 'job:' .. id end
function Key.inflight(P) return P .. 'inflight' end
function Key.deadLetters(P, tenant) return P .. 'dlq:' .. tenant end
function Key.doneChannel(P) return P .. 'done' end
function Key.workChannel(P) return P .. 'work' end

-- Concurrency keys.
function Key.slots(P, suffix) return P .. suffix end
function Key.waiting(P, suffix) return P .. 'wait:' .. suffix end
function Key.functionSlots(fn) return 'cc:f:' .. fn end
function Key.tenantFunctionSlots(tenant, fn) return 'cc:tf:' .. tenant .. ':' .. fn end
function Key.tenantSlots(tenant) return 'cc:tn:' .. tenant end
function Key.keySlotsByToken(fn, keyName, token) return 'cc:k:' .. fn .. ':' .. keyName .. ':' .. token end

-- The parts of a queue id (tenant:function[:keyToken]); tenant and function names hold no ':'.
function Key.tenantOfQueue(qid) return string.match(qid, '^[^:]+') end
function Key.functionOfQueue(qid) return string.match(qid, '^[^:]+:([^:]+)') end
function Key.keyTokenOfQueue(qid) return string.match(qid, '^[^:]+:[^:]+:(.+)$') end

-- The operator's counters (includes/counts.lua); KeySchema names them the same.
function Key.queuedCounts(P) return P .. 'cnt:q' end
function Key.runningCounts(P) return P .. 'cnt:r' end
function Key.deadCounts(P) return P .. 'cnt:d' end
function Key.functionCounts(P) return P .. 'cnt:f' end
function Key.served(P, bucket) return P .. 'srv:' .. bucket end
