#!/usr/bin/env python3
"""The floor under the claim's scale target: what the least a fair pick must do costs Redis.

The target (claim throughput with 1,000,000 active virtual queues >= 0.8 of that with 100) is
measured by `jmh --suite scale` with one tenant per queue: at a million queues every job is the
only job of its tenant, at 100 each tenant has thousands. This tool measures a model of a fair
pick stripped to what any design that keeps a queue per tenant in Redis must do, on the same two
shapes, so the engine's figures can be read against it:

  find the lowest tenant      ZRANGE of a sorted set of ready tenants by virtual time
  take its jobs               LPOP of the tenant's list, up to --turn jobs (a turn of a pick)
  lease each job              HMGET of its record, HSET of the lease fields
  file the tenant again       ZADD XX at its new virtual time, or ZREM (and SREM of its one
                              function) when its list is empty
  keep its virtual time       HSET and PEXPIRE of its per-tenant state

No counters, limits, estimates, holds, timers, lease tokens or replies beyond the ids. Each
shape starts from an empty Redis: --jobs jobs spread over --queues tenants, loaded by a Lua
loop, then --take of them leased, 500 per script call, timed from INFO commandstats (the
script's own time in Redis, no network). Nothing outside Python's standard library.

  bench/scale-floor.py --port 7400                  # 100 / 10,000 / 1,000,000 queues, turns of 8
  bench/scale-floor.py --port 7400 --turn 1         # a pick per job at every size

It FLUSHALLs the Redis it is given between shapes: give it one of its own.
"""
import argparse
import importlib.util
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('lua_cost', os.path.join(HERE, 'lua-cost.py'))
_lua_cost = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lua_cost)
Redis = _lua_cost.Redis

LOAD = """
local P, Q, from, to = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local payload = string.rep('x', 32)
for i = from, to do
  local q = 't' .. (i % Q)
  local id = string.format('%016x', 1700000000000000 + i)
  redis.call('HSET', P .. 'job:' .. id, 'q', q .. ':f', 'p', payload, 'ma', '3', 'st', 'queued')
  redis.call('RPUSH', P .. 'ql:' .. q, id)
  if i < Q then
    redis.call('ZADD', P .. 'rdy', 0, q)
    redis.call('SADD', P .. 'tfs:' .. q, 'f')
  end
end
return to
"""

TAKE = """
local P, want, turn = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local rcall = redis.call
local taken, out = 0, {}
while taken < want do
  local head = rcall('ZRANGE', P .. 'rdy', '0', '0', 'WITHSCORES')
  if not head[1] then break end
  local q, tag = head[1], tonumber(head[2])
  local ids = rcall('LPOP', P .. 'ql:' .. q, turn) or {}
  for _, id in ipairs(ids) do
    local job = P .. 'job:' .. id
    local f = rcall('HMGET', job, 'q', 'a', 'p', 'ma', 'st')
    rcall('HSET', job, 'a', '1', 'st', 'running', 'ld', '1800000000000', 'lt', 'token')
    out[#out + 1] = id
  end
  taken = taken + #ids
  local v = string.format('%.17g', tag + #ids)
  if rcall('EXISTS', P .. 'ql:' .. q) == 0 then
    rcall('ZREM', P .. 'rdy', q)
    rcall('SREM', P .. 'tfs:' .. q, 'f')
  else
    rcall('ZADD', P .. 'rdy', 'XX', v, q)
  end
  rcall('HSET', P .. 'vt:' .. q, 'v', v)
  rcall('PEXPIRE', P .. 'vt:' .. q, 3600000)
end
return #out
"""


def script_usec(redis):
    stats = redis.call('INFO', 'commandstats').decode()
    m = re.search(r'cmdstat_evalsha:calls=\d+,usec=(\d+)', stats)
    return int(m.group(1)) if m else 0


def shape(redis, queues, jobs, turn, take):
    redis.call('FLUSHALL')
    load, lease = redis.call('SCRIPT', 'LOAD', LOAD), redis.call('SCRIPT', 'LOAD', TAKE)
    prefix = 'floor:{c:0}:'
    for start in range(0, jobs, 100_000):
        redis.call('EVALSHA', load, 0, prefix, queues, start, min(jobs, start + 100_000) - 1)
    before, done = script_usec(redis), 0
    while done < take:
        got = redis.call('EVALSHA', lease, 0, prefix, 500, turn)
        if got == 0:
            break
        done += got
    return (script_usec(redis) - before) / done


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--port', type=int, required=True, help='a Redis of its own (FLUSHALLed)')
    p.add_argument('--turn', type=int, default=8, help='most jobs a pick takes from one tenant')
    p.add_argument('--queues', default='100,10000,1000000')
    p.add_argument('--take', type=int, default=200_000, help='jobs leased and timed per shape')
    a = p.parse_args()
    redis = Redis(a.port)
    sizes = [int(q) for q in a.queues.split(',')]
    first = None
    print('| active queues | jobs per queue | us per job leased (Redis) | throughput vs %d queues |' % sizes[0])
    print('|---|---|---|---|')
    for q in sizes:
        jobs = max(q, 400_000)  # as ClaimBenchmark: 400,000 jobs, at least one per queue
        us = shape(redis, q, jobs, a.turn, min(a.take, jobs))
        first = first or us
        print('| %d | %d | %.1f | %.2f |' % (q, jobs // q, us, first / us))
    redis.call('FLUSHALL')


if __name__ == '__main__':
    main()
