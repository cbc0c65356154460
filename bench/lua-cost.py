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

Without --redis-server it times the same calls on a running Redis (--port) from INFO
commandstats instead (microseconds, noisy). It needs valgrind for instruction counts and nothing
outside Python's standard library. It speaks the scripts' current argument layout (their file
headers document it); compare two versions of the scripts with --lua only while that layout
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
    """Instructions (callgrind) or microseconds (INFO commandstats) spent between start and stop."""

    def __init__(self, redis, pid, out_dir):
        self.redis, self.pid, self.out_dir, self.dumps = redis, pid, out_dir, 0

    def start(self):
        if self.pid:
            subprocess.check_call(['callgrind_control', '-z', str(self.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            self.usec = self._usec()

    def stop(self):
        if not self.pid:
            return self._usec() - self.usec, 'us'
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
        stats = self.redis.call('INFO', 'commandstats').decode()
        return sum(int(u) for u in re.findall(r'cmdstat_\w+:calls=\d+,usec=(\d+)', stats))


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
        names = ('enqueueJobs-2', 'claimJobs-1', 'completeJobs-1')
        if a.functions:
            redis.call('FUNCTION', 'LOAD', 'REPLACE', library(a.lua, names))
            def run(n, *args):
                return redis.call('FCALL', fname(n), *args)
        else:
            sha = {n: redis.call('SCRIPT', 'LOAD', script(a.lua, n)) for n in names}
            def run(n, *args):
                return redis.call('EVALSHA', sha[n], *args)
        meter = Meter(redis, pid, out_dir)
        now = int(time.time() * 1000)
        payload = '{"t":1,"x":"' + 'a' * 40 + '"}'

        meter.start()
        for t in range(a.tenants):
            tenant = 't%05d' % t
            qid = tenant + ':' + FUNCTION
            for first in range(0, a.jobs, a.batch):
                args = [PREFIX, tenant, FUNCTION, qid, now, '', '-'] + ([] if a.old_enqueue_layout else [''])
                for _ in range(first, min(a.jobs, first + a.batch)):
                    # due at once, no priority: a list job, no run-at stored ('' and '', or both its id's time)
                    at = '' if not a.old_enqueue_layout else now - 1000
                    args += [job_id(now - 1000), payload, 3, at, at, '', '', 0, '', '', 0]
                run('enqueueJobs-2', 2, PREFIX + 'q:' + qid, PREFIX + 'ql:' + qid, *args)
        spent, unit = meter.stop()
        total = a.tenants * a.jobs
        print('enqueue  %8d jobs  %10.1f %s per job' % (total, spent / max(total, 1), unit))

        leased = 0
        meter.start()
        for k in range(a.calls):
            at = now + k  # the claims' clock moves, as a real claim loop's does
            tokens = ''.join(random.choice(string.ascii_letters) for _ in range(TOKEN * a.claim))
            reply = run('claimJobs-1', 1, PREFIX + 'rdy:' + FUNCTION, PREFIX, FUNCTION, at,
                               a.claim, 30000, 0, 0, 1000, 3600000, 1, tokens, a.budget)
            jobs, i = [], 3
            while i + 8 < len(reply):  # id, tenant, payload, attempt, max, enqueued, headers, due, n, pairs
                jobs.append((reply[i].decode(), tokens[len(jobs) * TOKEN:(len(jobs) + 1) * TOKEN]))
                i += 9 + 2 * int(reply[i + 8])
            for c in range(0, len(jobs), a.complete):
                args = [PREFIX, at + 5, 0, 3600000, 1, a.budget]
                for job, token in jobs[c:c + a.complete]:
                    args += [job, token, 's', 1, -1, '', 0]
                run('completeJobs-1', 1, PREFIX + 'inflight', *args)
            leased += len(jobs)
        spent, unit = meter.stop()
        print('steady   %8d jobs  %10.1f %s per job (claim and complete)' % (leased, spent / max(leased, 1), unit))
        clear(redis)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(out_dir, ignore_errors=True)  # the callgrind dumps: read already


if __name__ == '__main__':
    main()
