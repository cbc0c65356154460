-- Key names, the Lua side of KeySchema: the same suffixes under the same shard prefix, built here
-- and nowhere else in the scripts (LuaMirrorsTest checks every function against KeySchema). P is
-- the shard prefix "<ns>:{c:N}:" that KeySchema.prefix builds and scripts take as ARGV[1]; a
-- script gets the keys it reads itself as KEYS and derives the ones its includes touch from P.
-- Concurrency keys travel as suffixes (cc:...), the form a job records in its lc and ks fields.

local Key = {}

-- Virtual queues and the tiered index.
function Key.queue(P, qid) return P .. 'q:' .. qid end
function Key.tenantQueues(P, tenant) return P .. 'tq:' .. tenant end
function Key.tenants(P) return P .. 'tenants' end
function Key.partitionLease(P, qid) return P .. 'lease:' .. qid end
function Key.holds(P) return P .. 'hold' end

-- Jobs.
function Key.job(P, id) return P .. 'job:' .. id end
function Key.inflight(P) return P .. 'inflight' end
function Key.deadLetters(P, tenant) return P .. 'dlq:' .. tenant end
function Key.usage(P) return P .. 'usage' end
function Key.doneChannel(P) return P .. 'done' end

-- Concurrency keys.
function Key.slots(P, suffix) return P .. suffix end
function Key.waiting(P, suffix) return P .. 'wait:' .. suffix end
function Key.tenantSlots(tenant) return 'cc:tn:' .. tenant end

-- The tenant part of a queue id (tenant:function[:keyToken]); tenant names hold no ':'.
function Key.tenantOfQueue(qid) return string.match(qid, '^[^:]+') end
