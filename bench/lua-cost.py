#!/usr/bin/env python3
"""What the engine's Lua scripts cost Redis per job, counted in instructions.

Timings on a shared 2-core machine swing by a tenth between runs; instruction counts under
valgrind's callgrind do not (the same figure twice, whatever else the machine is doing). This
drives the engine's own scripts (engine/core/src/main/resources/lua, includes inlined as
ScriptRegistry does) straight against a redis-server it starts under callgrind, and reports
instructions per job for each phase:

  enqueue   TENANTS x JOBS no-op jobs, one enqueueJobs call per batch of --batch jobs of a queue
  steady    --calls rounds of one claimJobs call for up to --claim jobs (one function), then
            completeJobs calls of up to --complete jobs each for what it leased (acks, status
            retention 0): the claim loop's and the completion batcher's steady state

  bench/lua-cost.py --redis-server /path/to/redis-server                  # 100 tenants x 100 jobs
  bench/lua-cost.py --redis-server ... --tenants 3000 --jobs 1 --claim 87 # one-job tenants

With --functions (Redis 7 and newer) the scripts run as one function library, built as
ScriptRegistry builds it (FUNCTION LOAD, then FCALL), instead of with EVALSHA.

--contender puts two references through the same phases, to read the engine's figures against:
  floor   a fair, leased, multi-tenant queue stripped to what any such design on Redis must do
          per job (FLOOR below), in calls of the same shapes
  list    the throughput scenario's fifo-list: an LPUSH and a BRPOP per job, no lease

Without --redis-server it measures the same calls on a running Redis (--port) in Redis CPU
microseconds instead (INFO cpu, user and system: reading requests and writing replies included,
as in the scenarios' Redis CPU per job; noisy). It needs valgrind for instruction counts and
nothing outside Python's standard library. It speaks the scripts' current argument layout (their
file headers document it); compare two versions of the scripts with --lua only while that layout
is the same.
"""
import argparse
import os
import random
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'  # job ids' Crockford base32 (JobIds)
PREFIX = 'luacost:{c:0}:'
FUNCTION = 'f'
TOKEN = 22  # lease token length


class Redis:
    """A minimal RESP client: one connection, one command at a time."""

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.file = self.sock.makefile('rb')

    def call(self, *args):
        out = [b'*%d\r\n' % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(a), a))
        self.sock.sendall(b''.join(out))
        return self._read()

    def _read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b'+':
            return rest.decode()
        if kind == b'-':
            raise RuntimeError(rest.decode())
        if kind == b':':
            return int(rest)
        if kind == b'$':
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2]
        if kind == b'*':
            return [self._read() for _ in range(int(rest))]
        raise RuntimeError('unexpected reply: %r' % line)


def script(lua_dir, name):
    """The script's text with its includes inlined, each once, as ScriptRegistry does."""
    def resolve(text, included):
        def inline(m):
            inc = m.group(1)
            if inc in included:
                return ''
            included.add(inc)
            with open(os.path.join(lua_dir, 'includes', inc + '.lua')) as f:
                return resolve(f.read(), included)
        return re.sub(r'(?m)^-- @include (\w+)\s*$', inline, text)
    with open(os.path.join(lua_dir, name + '.lua')) as f:
        return resolve(f.read(), set())


def library(lua_dir, names):
    """The scripts as one Redis 7 function library, as ScriptRegistry builds it: every include
    once at the top, each script's body a registered function (KEYS and ARGV its parameters).
    Returns the library's text and each script's function name."""
    included, order = set(), []
    def collect(text):
        for inc in re.findall(r'(?m)^-- @include (\w+)\s*$', text):
            if inc not in included:
                included.add(inc)
                with open(os.path.join(lua_dir, 'includes', inc + '.lua')) as f:
                    body = f.read()
                collect(body)
                order.append(re.sub(r'(?m)^-- @include (\w+)\s*$', '', body))
    bodies = {}
    for n in names:
        with open(os.path.join(lua_dir, n + '.lua')) as f:
            text = f.read()
        collect(text)
        bodies[n] = re.sub(r'(?m)^-- @include (\w+)\s*$', '', text)
    hooks = []
    for inc in order:
        hooks += re.findall(r'(?m)^-- @on-call (\w+)\s*$', inc)
    # redis.call exists only inside a call (not while the library loads): each call binds it
    lib = 'local rcall\n' + '\n'.join(order)
    for n in names:
        lib += '\nredis.register_function(\'%s\', function(KEYS, ARGV)\n' % fname(n)
        lib += 'rcall = redis.call\n' + ''.join('%s()\n' % h for h in hooks) + bodies[n] + '\nend)\n'
    return '#!lua name=luacost\n' + lib


def fname(n):
    return 'luacost_' + n.replace('-', '_')


def clear(redis):
    """Deletes this tool's keys (and only those: it may run against a Redis in use)."""
    cursor = '0'
    while True:
        cursor, found = redis.call('SCAN', cursor, 'MATCH', PREFIX.replace('{', '\\{').replace('}', '\\}') + '*',
                                   'COUNT', 1000)
        if found:
            redis.call('UNLINK', *found)
        if cursor == b'0':
            return


def job_id(ms):
    digits = ''
    for _ in range(10):
        digits = B32[ms % 32] + digits
        ms //= 32
    return '0-' + digits + ''.join(random.choice(B32) for _ in range(16))


class Meter:
    """Instructions (callgrind) or Redis CPU microseconds (INFO cpu, user and system: what the
    throughput scenario's Redis CPU per job counts, reading and writing included) spent between
    start and stop."""

    def __init__(self, redis, pid, out_dir):
        self.redis, self.pid, self.out_dir, self.dumps = redis, pid, out_dir, 0

    def start(self):
        if self.pid:
            subprocess.check_call(['callgrind_control', '-z', str(self.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            self.usec = self._usec()

    def stop(self):
        """What was spent, and its unit."""
        if not self.pid:
            return self._usec() - self.usec, 'us Redis CPU'
        subprocess.check_call(['callgrind_control', '-d', str(self.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.dumps += 1
        path = os.path.join(self.out_dir, 'callgrind.%d.out.%d' % (self.pid, self.dumps))
        for _ in range(100):
            if os.path.exists(path):
                with open(path) as f:
                    for line in f:
                        if line.startswith('summary:'):
                            return int(line.split()[1]), 'instructions'
            time.sleep(0.1)
        raise RuntimeError('no callgrind dump at ' + path)

    def _usec(self):
        cpu = self.redis.call('INFO', 'cpu').decode()
        return 1e6 * sum(float(v) for v in re.findall(r'used_cpu_(?:user|sys):([\d.]+)', cpu))


def loader(redis, a, scripts):
    """Loads {name: text} as scripts (EVALSHA) or, with --functions, as one function library;
    returns run(name, numkeys, *keys_and_args)."""
    if a.functions:
        redis.call('FUNCTION', 'LOAD', 'REPLACE', scripts['#library'])
        return lambda n, *args: redis.call('FCALL', fname(n), *args)
    sha = {n: redis.call('SCRIPT', 'LOAD', text) for n, text in scripts.items() if n != '#library'}
    return lambda n, *args: redis.call('EVALSHA', sha[n], *args)


class Engine:
    """The engine's own scripts, in the argument layout their headers document."""

    NAMES = ('enqueueJobs-2', 'claimJobs-1', 'completeJobs-1')

    def __init__(self, redis, a):
        scripts = {n: script(a.lua, n) for n in self.NAMES}
        if a.functions:
            scripts['#library'] = library(a.lua, self.NAMES)
        self.run, self.a = loader(redis, a, scripts), a

    def enqueue(self, tenant, jobs, now):
        qid = tenant + ':' + FUNCTION
        args = [PREFIX, tenant, FUNCTION, qid, now, '', '-'] + ([] if self.a.old_enqueue_layout else [''])
        for job, payload in jobs:
            # due at once, no priority: a list job, no run-at stored ('' and '', or both its id's time)
            at = '' if not self.a.old_enqueue_layout else now - 1000
            args += [job, payload, 3, at, at, '', '', 0, '', '', 0]
        self.run('enqueueJobs-2', 2, PREFIX + 'q:' + qid, PREFIX + 'ql:' + qid, *args)

    def claim(self, at, want):
        tokens = ''.join(random.choice(string.ascii_letters) for _ in range(TOKEN * want))
        reply = self.run('claimJobs-1', 1, PREFIX + 'rdy:' + FUNCTION, PREFIX, FUNCTION, at,
                         want, 30000, 0, 0, 1000, 3600000, 1, tokens, self.a.budget)
        jobs, i = [], 3
        while i + 8 < len(reply):  # id, tenant, payload, attempt, max, enqueued, headers, due, n, pairs
            jobs.append((reply[i].decode(), tokens[len(jobs) * TOKEN:(len(jobs) + 1) * TOKEN]))
            i += 9 + 2 * int(reply[i + 8])
        return jobs

    def complete(self, at, jobs):
        args = [PREFIX, at, 0, 3600000, 1, self.a.budget]
        for job, token in jobs:
            args += [job, token, 's', 1, -1, '', 0]
        self.run('completeJobs-1', 1, PREFIX + 'inflight', *args)


# The floor: a fair, leased, multi-tenant queue stripped to what any such design on Redis must do
# per job, with the engine's call shapes. A job is a record (queue, payload, attempt, lease) and
# an id in its tenant's list; a ready index orders tenants by virtual time (the score: jobs
# served, one per job); a claim pops turns from the lowest, leases each job with a token and a
# deadline in an in-flight set; a completion checks the token and deletes the job. No weights,
# costs, counters, limits, priorities, delays, retries, status records or replies beyond
# id, payload and attempt.
FLOOR = {
    'floorEnqueue': """
local P, t = ARGV[1], ARGV[2]
local ids = {}
for i = 3, #ARGV, 2 do
  rcall('HSET', P .. 'job:' .. ARGV[i], 'q', t, 'p', ARGV[i + 1])
  ids[#ids + 1] = ARGV[i]
end
rcall('RPUSH', P .. 'ql:' .. t, unpack(ids))
local head = rcall('ZRANGE', P .. 'rdy', '0', '0', 'WITHSCORES')
rcall('ZADD', P .. 'rdy', 'NX', head[2] or '0', t) -- a tenant joins at the system's virtual time
return #ids
""",
    'floorClaim': """
local P, want, turn, deadline, tokens = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local size = #tokens / want -- the n-th job leased takes the n-th token
local out, leases = {}, {}
while #leases < 2 * want do
  local head = rcall('ZRANGE', P .. 'rdy', '0', '0', 'WITHSCORES')
  if not head[1] then break end
  local t, vt = head[1], tonumber(head[2])
  local ids = rcall('LPOP', P .. 'ql:' .. t, math.min(turn, want - #leases / 2)) or {}
  for _, id in ipairs(ids) do
    local job = P .. 'job:' .. id
    local n = #leases / 2
    local token = string.sub(tokens, n * size + 1, (n + 1) * size)
    local f = rcall('HMGET', job, 'p', 'a')
    local attempt = tostring((tonumber(f[2]) or 0) + 1)
    rcall('HSET', job, 'a', attempt, 'lt', token)
    leases[#leases + 1] = deadline
    leases[#leases + 1] = id
    out[#out + 1] = id
    out[#out + 1] = f[1]
    out[#out + 1] = attempt
  end
  if #ids < turn and rcall('EXISTS', P .. 'ql:' .. t) == 0 then
    rcall('ZREM', P .. 'rdy', t)
  else
    rcall('ZADD', P .. 'rdy', 'XX', tostring(vt + #ids), t)
  end
end
if #leases > 0 then rcall('ZADD', P .. 'inflight', unpack(leases)) end
return out
""",
    'floorComplete': """
local P = ARGV[1]
local gone, dropped = {}, {}
for i = 2, #ARGV, 2 do
  local job = P .. 'job:' .. ARGV[i]
  if rcall('HGET', job, 'lt') == ARGV[i + 1] then
    gone[#gone + 1] = ARGV[i]
    dropped[#dropped + 1] = job
  end
end
if #gone > 0 then
  rcall('ZREM', P .. 'inflight', unpack(gone))
  rcall('UNLINK', unpack(dropped))
end
return #gone
""",
}


class Floor:
    """The floor (FLOOR above), called with the engine's batch shapes."""

    def __init__(self, redis, a):
        scripts = {n: 'local rcall = redis.call\n' + body for n, body in FLOOR.items()}
        scripts['#library'] = '#!lua name=luacost\n' + ''.join(
            "redis.register_function('%s', function(KEYS, ARGV)\nlocal rcall = redis.call\n%s\nend)\n"
            % (fname(n), body) for n, body in FLOOR.items())
        self.run, self.turn = loader(redis, a, scripts), a.turn

    def enqueue(self, tenant, jobs, now):
        args = [PREFIX, tenant]
        for job, payload in jobs:
            args += [job, payload]
        self.run('floorEnqueue', 0, *args)

    def claim(self, at, want):
        tokens = ''.join(random.choice(string.ascii_letters) for _ in range(TOKEN * want))
        reply = self.run('floorClaim', 0, PREFIX, want, self.turn, at + 30000, tokens)
        return [(reply[i].decode(), tokens[k * TOKEN:(k + 1) * TOKEN]) for k, i in enumerate(range(0, len(reply), 3))]

    def complete(self, at, jobs):
        args = [PREFIX]
        for job, token in jobs:
            args += [job, token]
        self.run('floorComplete', 0, *args)


class BareList:
    """The throughput scenario's fifo-list: an LPUSH per job, a BRPOP per job, no lease."""

    def __init__(self, redis, a):
        self.redis = redis

    def enqueue(self, tenant, jobs, now):
        for job, payload in jobs:
            self.redis.call('LPUSH', PREFIX + 'list', payload)

    def claim(self, at, want):
        jobs = []
        for _ in range(want):
            got = self.redis.call('BRPOP', PREFIX + 'list', 1)
            if got is None:
                break
            jobs.append((got[1], ''))
        return jobs

    def complete(self, at, jobs):
        pass


def per_job(spent, jobs):
    return '%10.1f %s' % (spent[0] / max(jobs, 1), spent[1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--redis-server', help='a redis-server binary to start under callgrind')
    p.add_argument('--port', type=int, default=7499, help='its port (or a running Redis to time)')
    p.add_argument('--server-config', action='append', default=[], metavar='NAME=VALUE',
                   help='a setting for the started server, e.g. hash-max-ziplist-entries=16 (repeatable)')
    p.add_argument('--lua', default=os.path.join(ROOT, 'engine/core/src/main/resources/lua'))
    p.add_argument('--old-enqueue-layout', action='store_true',
                   help='enqueueJobs arguments as before 484a3c0 (run-at and score as numbers, no retry-key flag), '
                        'to measure scripts from before it with --lua')
    p.add_argument('--functions', action='store_true',
                   help='run the scripts as one Redis 7 function library (FUNCTION LOAD, FCALL)')
    p.add_argument('--tenants', type=int, default=100)
    p.add_argument('--jobs', type=int, default=100, help='jobs per tenant')
    p.add_argument('--batch', type=int, default=54, help='jobs per enqueueJobs call')
    p.add_argument('--claim', type=int, default=12, help='jobs asked of each claimJobs call')
    p.add_argument('--complete', type=int, default=12, help='jobs per completeJobs call')
    p.add_argument('--calls', type=int, default=150, help='claimJobs calls in the steady phase')
    p.add_argument('--contender', choices=('engine', 'floor', 'list'), default='engine',
                   help='engine: the engine\'s scripts; floor: a fair leased queue stripped to what any must do per'
                        ' job (FLOOR), same call shapes; list: an LPUSH and a BRPOP per job (fifo-list)')
    p.add_argument('--turn', type=int, default=8, help='the floor\'s most jobs per pick from one tenant')
    p.add_argument('--budget', type=int, default=1_000_000,
                   help='the calls\' time budget, us (EngineOptions.scriptBudget): large by default, so'
                        ' that callgrind, which slows Redis fiftyfold, does not cut calls short')
    a = p.parse_args()

    server, pid, out_dir = None, None, tempfile.mkdtemp(prefix='lua-cost-')
    if a.redis_server:
        server = subprocess.Popen(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out_dir + '/callgrind.%p.out',
                                   a.redis_server, '--port', str(a.port), '--save', '', '--appendonly', 'no']
                                  + [arg for c in a.server_config for arg in ('--' + c.split('=', 1)[0], c.split('=', 1)[1])],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid = server.pid
    try:
        redis = None
        for _ in range(300):
            try:
                redis = Redis(a.port)
                redis.call('PING')
                break
            except OSError:
                time.sleep(0.1)
        if redis is None:
            sys.exit('no Redis on port %d' % a.port)
        clear(redis)
        meter = Meter(redis, pid, out_dir)
        now = int(time.time() * 1000)
        payload = '{"t":1,"x":"' + 'a' * 40 + '"}'
        contender = {'engine': Engine, 'floor': Floor, 'list': BareList}[a.contender](redis, a)

        meter.start()
        for t in range(a.tenants):
            tenant = 't%05d' % t
            for first in range(0, a.jobs, a.batch):
                contender.enqueue(tenant, [(job_id(now - 1000), payload) for _ in range(first, min(a.jobs, first + a.batch))], now)
        total = a.tenants * a.jobs
        print('enqueue  %8d jobs  %s per job' % (total, per_job(meter.stop(), total)))

        leased = 0
        meter.start()
        for k in range(a.calls):
            at = now + k  # the claims' clock moves, as a real claim loop's does
            jobs = contender.claim(at, a.claim)
            for c in range(0, len(jobs), a.complete):
                contender.complete(at + 5, jobs[c:c + a.complete])
            leased += len(jobs)
        print('steady   %8d jobs  %s per job (claim and complete)' % (leased, per_job(meter.stop(), leased)))
        clear(redis)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(out_dir, ignore_errors=True)  # the callgrind dumps: read already


if __name__ == '__main__':
    main()
