"""The worker: registers functions with a node, receives their jobs, runs the handlers on threads,
keeps the leases alive with heartbeats and reports every outcome.

Credits follow one invariant per function: credits granted on the current connection and not yet
used, plus jobs running, never exceed the function's ``max_in_flight``. Both are counted under one
lock; a grant counts when it is made, and is written together with those made while an earlier
``Credits`` frame was being written (one frame for all of them, no timer). A job's delivery is
settled once: by its handler's outcome, by a lost lease (the node said STALE or UNKNOWN_JOB: nobody
cares about its result any more), or by being handed back when the worker shuts down before it
finished.
"""

import logging
import random
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout  # not the builtin before 3.11
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional

from .._proto import pb
from ..connection import Connection, ConnectionSettings
from ..errors import CONNECTION_LOST, CroupierError

log = logging.getLogger("croupier.worker")

MAX_HEARTBEAT_LEASES = 1000
# Most functions in one Credits frame (proto/README.md, "Limits").
MAX_CREDIT_GRANTS = 100
# Most completions in one CompleteBatch (proto/README.md, "Limits").
MAX_COMPLETE_BATCH = 1000
DEFAULT_LEASE_TIMEOUT_MS = 30_000


class RetryLater(Exception):
    """Raise from a handler to have the job retried: after ``after`` seconds, or (None) when the
    function's backoff says. Past the job's max attempts it is dead."""

    def __init__(self, message: str = "", after: Optional[float] = None):
        super().__init__(message)
        if after is not None and after < 0:
            raise ValueError(f"after cannot be negative: {after}")
        self.after = after


class PermanentFailure(Exception):
    """Raise from a handler to dead-letter the job now, without retries."""


@dataclass
class RetryPolicy:
    """Deliveries in all (1..1000), the first backoff, its growth factor (>= 1) and its cap."""
    max_attempts: int = 5
    base_ms: int = 1000
    factor: float = 2.0
    cap_ms: int = 300_000


@dataclass
class FunctionSpec:
    """A function's flow-control config; every worker of a function must send the same one.
    ``keyed_limits`` maps a concurrency key to its limit (at most 4; the first one splits the
    virtual queues). 0 limits are unlimited; ``lease_timeout_ms`` 0 = the node's default (30 s)."""
    name: str
    concurrency_limit: int = 0
    per_tenant_limit: int = 0
    keyed_limits: Dict[str, int] = field(default_factory=dict)
    retry: Optional[RetryPolicy] = None
    lease_timeout_ms: int = 0

    def to_proto(self):
        spec = pb.FunctionSpec(name=self.name, concurrency_limit=self.concurrency_limit,
                               per_tenant_limit=self.per_tenant_limit,
                               lease_timeout_ms=self.lease_timeout_ms)
        for key, limit in self.keyed_limits.items():
            spec.keyed_limits.add(key=key, limit=limit)
        if self.retry is not None:
            spec.retry.CopyFrom(pb.RetryPolicy(max_attempts=self.retry.max_attempts,
                                               base_ms=self.retry.base_ms, factor=self.retry.factor,
                                               cap_ms=self.retry.cap_ms))
        return spec


class Job:
    """What a handler gets: the dispatched job. ``headers`` are the job's headers as enqueued (e.g.
    a W3C traceparent). ``cancelled`` is set when the worker stopped caring about the result (the
    lease was lost, or the worker shut down before the handler finished): a long handler may check
    it and give up."""

    def __init__(self, dispatch):
        self.id = dispatch.job_id
        self.tenant = dispatch.tenant
        self.function = dispatch.function
        self.payload = bytes(dispatch.payload)
        self.attempt = dispatch.attempt
        self.max_attempts = dispatch.max_attempts
        self.deadline_ms = dispatch.deadline_ms
        self.enqueued_at_ms = dispatch.enqueued_at_ms
        self.lease_timeout_ms = dispatch.lease_timeout_ms or DEFAULT_LEASE_TIMEOUT_MS
        self.concurrency_keys = dict(dispatch.concurrency_keys)
        self.headers = dict(dispatch.headers)
        self.cancelled = threading.Event()

    def __repr__(self):
        return f"Job({self.function} {self.id} attempt {self.attempt})"


class _Registration:
    def __init__(self, spec: FunctionSpec, handler, max_in_flight: int):
        self.spec = spec
        self.handler = handler
        self.max_in_flight = max_in_flight
        self.running = 0

    def to_proto(self):
        return pb.FunctionRegistration(spec=self.spec.to_proto(), max_in_flight=self.max_in_flight)


class _Execution:
    """One delivery of a job: its lease and whether it was settled."""

    def __init__(self, job: Job, lease_token: bytes):
        self.job = job
        self.lease_token = lease_token
        self.started = time.monotonic()
        self.next_heartbeat = self.started + job.lease_timeout_ms / 3000.0
        self.settled = False
        self.lock = threading.Lock()

    def settle(self) -> bool:
        """True for the first caller only: the one that reports (or abandons) the delivery."""
        with self.lock:
            if self.settled:
                return False
            self.settled = True
            return True

    def lease_ref(self):
        return pb.LeaseRef(job_id=self.job.id, attempt=self.job.attempt, lease_token=self.lease_token)


_NEW, _RUNNING, _DRAINING, _CLOSED = "new", "running", "draining", "closed"


class Worker:
    """Runs handlers for functions. Register functions (``register`` or the ``function``
    decorator), then ``start()`` (background) or ``run()`` (until ``close()``). A handler takes a
    ``Job`` and returns normally (success), raises ``RetryLater`` (retry), ``PermanentFailure``
    (dead now) or any other exception (retry after the function's backoff, the exception's text
    as the error).
    """

    def __init__(self, addresses, token: str = "", *, tls: bool = False, ca_file: str = None,
                 ssl_context=None, name: str = "croupier-python-worker",
                 connect_timeout: float = 10.0, request_timeout: float = 30.0,
                 shutdown_grace: float = 30.0, reconnect_min_backoff: float = 0.1,
                 reconnect_max_backoff: float = 5.0, max_frame_bytes: int = 4 << 20):
        if isinstance(addresses, str):
            addresses = [addresses]
        self._addresses = list(addresses)
        if not self._addresses:
            raise ValueError("give at least one node address (host:port)")
        self._settings = ConnectionSettings(token, name, pb.ROLE_WORKER, tls, ca_file, ssl_context,
                                            connect_timeout, max_frame_bytes=max_frame_bytes,
                                            dispatch_batches=True)
        self._request_timeout = request_timeout
        self._shutdown_grace = shutdown_grace
        self._min_backoff = reconnect_min_backoff
        self._max_backoff = reconnect_max_backoff
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._regs: Dict[str, _Registration] = {}
        self._running: Dict[tuple, _Execution] = {}
        self._outstanding: Dict[str, int] = {}
        self._credits: Dict[str, int] = {}  # granted on _credits_conn, not yet written
        self._credits_conn: Optional[Connection] = None
        self._crediting = False  # a thread is writing them (one Credits frame at a time)
        self._current: Optional[Connection] = None
        self._completions = 0
        self._unsent = []  # (execution, Complete) waiting to be sent, in order
        self._sending = False  # a thread is sending them (one request in flight)
        self._state = _NEW
        self._fatal: Optional[CroupierError] = None
        self._next_address = 0
        self._threads = []

    # ---- functions ----

    def register(self, spec, handler: Callable[[Job], None], max_in_flight: int = 1):
        """Serves a function (a ``FunctionSpec`` or just its name). When already connected it is
        registered at once, raising ``CroupierError`` if the node refuses it."""
        if isinstance(spec, str):
            spec = FunctionSpec(spec)
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1: {max_in_flight}")
        reg = _Registration(spec, handler, max_in_flight)
        with self._lock:
            if spec.name in self._regs:
                raise ValueError(f"function {spec.name!r} is already registered")
            self._regs[spec.name] = reg
            conn = self._current
        if conn is not None:
            try:
                self._register_on(conn, [reg])
            except CroupierError as e:
                if e.code != CONNECTION_LOST:
                    with self._lock:
                        del self._regs[spec.name]
                    raise

    def function(self, name: str, max_in_flight: int = 1, **spec):
        """Decorator form of ``register``: ``@worker.function("send-sms", max_in_flight=4)``."""
        def wrap(handler):
            self.register(FunctionSpec(name, **spec), handler, max_in_flight)
            return handler
        return wrap

    # ---- lifecycle ----

    def start(self):
        """Starts connecting and serving in the background."""
        with self._lock:
            if self._state != _NEW:
                raise RuntimeError("the worker was already started")
            self._state = _RUNNING
        for target, name in ((self._supervise, "croupier-connect"), (self._heartbeats, "croupier-heartbeat")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def wait_ready(self, timeout: float = None) -> bool:
        """Waits until connected with every function registered; raises the node's refusal
        (e.g. CONFLICT, PERMISSION_DENIED, UNAUTHENTICATED) when it will never be."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._fatal is not None:
                raise self._fatal
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            if self._ready.wait(0.05 if left is None else min(0.05, left)):
                return True

    def run(self):
        """Starts (if needed) and blocks until the worker is closed; raises a fatal refusal."""
        if self._state == _NEW:
            self.start()
        while not self._stopped.wait(0.2):
            if self._fatal is not None:
                self.abort()
        if self._fatal is not None:
            raise self._fatal

    @property
    def stopped(self) -> bool:
        """Whether the worker has closed (by ``close()``, ``abort()`` or a fatal refusal)."""
        return self._stopped.is_set()

    @property
    def connected(self) -> bool:
        c = self._current
        return c is not None and c.is_open

    def running_jobs(self) -> int:
        with self._lock:
            return len(self._running)

    def close(self):
        """Drains: tells the node to send nothing more, lets running jobs finish for up to
        ``shutdown_grace`` seconds, hands the rest back (retry without delay), waits briefly for
        completions to be acknowledged, then closes."""
        with self._lock:
            if self._state in (_DRAINING, _CLOSED):
                return
            started = self._state == _RUNNING
            self._state = _DRAINING
            conn = self._current
        if not started:
            self._shutdown()
            return
        if conn is not None:
            bye = pb.Envelope()
            bye.goodbye.reason = "worker shutting down"
            try:
                conn.send(bye)
            except CroupierError:
                pass
        deadline = time.monotonic() + self._shutdown_grace
        while self.running_jobs() and time.monotonic() < deadline:
            time.sleep(0.01)
        with self._lock:
            leftovers = list(self._running.values())
        for ex in leftovers:
            if ex.settle():
                ex.job.cancelled.set()
                log.info("handing back %s: the worker is shutting down", ex.job)
                outcome = pb.Retry(error="the worker shut down before the job finished",
                                   has_retry_after=True, retry_after_ms=0)
                threading.Thread(target=self._deliver, args=(ex, "retry", outcome, 0),
                                 daemon=True).start()
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            with self._lock:
                if not self._completions:
                    break
            time.sleep(0.01)
        with self._lock:
            if self._completions:
                log.warning("%d completions were not acknowledged; those jobs come back after their "
                            "leases expire", self._completions)
        self._shutdown()

    def abort(self):
        """Closes at once; running jobs come back after their leases expire."""
        self._shutdown()

    def _shutdown(self):
        with self._lock:
            self._state = _CLOSED
            conn, self._current = self._current, None
            for ex in self._running.values():
                ex.job.cancelled.set()
        if conn is not None:
            conn.close()
        self._wake.set()
        self._stopped.set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- connections ----

    def _supervise(self):
        backoff = self._min_backoff
        while True:
            with self._lock:
                if self._state == _CLOSED:
                    return
                connected = self._current is not None and self._current.is_open
            if connected:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            address = self._addresses[self._next_address]
            self._next_address = (self._next_address + 1) % len(self._addresses)
            try:
                self._connect(address)
                backoff = self._min_backoff
                continue
            except CroupierError as e:
                if e.code in ("UNAUTHENTICATED", "UNSUPPORTED_VERSION", "PERMISSION_DENIED",
                              "CONFLICT", "INVALID_REQUEST"):
                    log.error("%s refused this worker: %s", address, e)
                    self._fatal = e
                    self._shutdown()
                    return
                log.warning("cannot serve through %s (%s); retrying in %.1f s", address, e, backoff)
            except Exception as e:  # noqa: BLE001 - a bug must not end the reconnect loop
                log.exception("connecting to %s failed: %s", address, e)
            # Backoff with jitter, so that many workers of a restarted node do not come back at once.
            if self._stopped.wait(backoff * (0.5 + random.random() / 2)):
                return
            backoff = min(backoff * 2, self._max_backoff)

    def _connect(self, address):
        conn = Connection(address, self._settings, on_push=self._on_push, on_closed=self._on_closed)
        try:
            with self._lock:
                draining = self._state != _RUNNING
                regs = list(self._regs.values())
            if not draining and regs:
                self._register_on(conn, regs, grant=False)
            with self._lock:
                if self._state == _CLOSED:
                    conn.close()
                    return
                self._current = conn
                self._outstanding = {}
                write = self._state == _RUNNING and self._grant(conn, regs)
                # Functions registered while this connection was being set up.
                late = [r for r in self._regs.values() if r not in regs] if not draining else []
            if write:
                self._write_credits()
            if late:
                self._register_on(conn, late)
        except BaseException:
            conn.close()
            raise
        log.info("serving %s through %s", ", ".join(self._regs) or "nothing", address)
        self._ready.set()

    def _register_on(self, conn, regs, grant=True):
        env = pb.Envelope()
        env.register_functions.functions.extend(r.to_proto() for r in regs)
        try:
            reply = conn.request(env).result(self._request_timeout)
        except FutureTimeout:
            raise CroupierError("TIMEOUT", f"no answer to RegisterFunctions within {self._request_timeout} s") from None
        if reply.WhichOneof("body") != "functions_registered":
            raise CroupierError("BAD_FRAME", f"RegisterFunctions answered with {reply.WhichOneof('body')}")
        if grant:
            with self._lock:
                write = self._current is conn and self._state == _RUNNING and self._grant(conn, regs)
            if write:
                self._write_credits()

    def _grant(self, conn, regs) -> bool:
        """Grants each function's free slots on ``conn`` (call under the lock). They are added to
        the credits not yet written; True when the caller must write them (outside the lock) because
        no other thread is writing credits."""
        if self._credits_conn is not conn:
            self._credits, self._credits_conn = {}, conn  # those of an older connection died with it
        for r in regs:
            free = r.max_in_flight - r.running - self._outstanding.get(r.spec.name, 0)
            if free > 0:
                self._credits[r.spec.name] = self._credits.get(r.spec.name, 0) + free
                self._outstanding[r.spec.name] = self._outstanding.get(r.spec.name, 0) + free
        if not self._credits or self._crediting:
            return False
        self._crediting = True
        return True

    def _write_credits(self):
        """Writes the credits granted and not yet written, frame after frame, until none are left.
        Those granted while a frame is being written go together in the next one: one Credits frame
        for however many jobs finished meanwhile, and one granted on an idle worker goes at once."""
        try:
            while True:
                with self._lock:
                    conn, grants = self._credits_conn, self._credits
                    self._credits = {}
                    if not grants:
                        self._crediting = False
                        return
                if conn is not self._current:
                    continue  # the connection is gone; the next one grants again
                names = list(grants)
                for i in range(0, len(names), MAX_CREDIT_GRANTS):
                    env = pb.Envelope()
                    env.credits.grants.update({n: grants[n] for n in names[i:i + MAX_CREDIT_GRANTS]})
                    try:
                        conn.send(env)
                    except CroupierError:
                        break  # the connection is gone; the next one grants again
        except BaseException:
            with self._lock:
                self._crediting = False
            raise

    def _on_closed(self, conn):
        with self._lock:
            if self._current is conn:
                self._current = None
                self._outstanding = {}
                self._ready.clear()
        self._wake.set()

    def _on_push(self, conn, env):
        kind = env.WhichOneof("body")
        if kind == "dispatch":
            self._on_dispatch(conn, env.dispatch)
        elif kind == "dispatch_batch":
            for d in env.dispatch_batch.dispatches:
                self._on_dispatch(conn, d)
        elif kind == "goodbye":
            log.info("%s is going away (%s); moving to the next node", conn.address, env.goodbye.reason)
            with self._lock:
                if self._current is conn:
                    self._current = None
                    self._outstanding = {}
            self._wake.set()
            threading.Thread(target=self._close_when_idle, args=(conn,), daemon=True).start()
        elif kind == "error":
            pass  # logged by the connection; an id-0 error is followed by the close
        else:
            log.debug("ignoring a %s from %s", kind, conn.address)

    def _close_when_idle(self, conn):
        deadline = time.monotonic() + self._request_timeout
        while conn.is_open and conn.pending_requests() and time.monotonic() < deadline:
            time.sleep(0.02)
        conn.close()

    # ---- jobs ----

    def _on_dispatch(self, conn, dispatch):
        job = Job(dispatch)
        ex = _Execution(job, bytes(dispatch.lease_token))
        with self._lock:
            reg = self._regs.get(job.function)
            if conn is self._current and job.function in self._outstanding:
                self._outstanding[job.function] = max(0, self._outstanding[job.function] - 1)
            if reg is not None:
                reg.running += 1
                self._running[(job.id, job.attempt)] = ex
        if reg is None:
            # Not ours (any more): give it back at once rather than sit on the lease.
            ex.settle()
            threading.Thread(target=self._deliver, daemon=True, args=(
                ex, "retry", pb.Retry(error=f"this worker does not serve {job.function}",
                                      has_retry_after=True, retry_after_ms=0), 0)).start()
            return
        threading.Thread(target=self._run, args=(reg, ex), name=f"croupier-job-{job.id}",
                         daemon=True).start()

    def _run(self, reg, ex):
        job = ex.job
        try:
            reg.handler(job)
            kind, outcome = "success", pb.Success()
        except RetryLater as e:
            kind = "retry"
            outcome = pb.Retry(error=str(e) or "retry requested")
            if e.after is not None:
                outcome.has_retry_after = True
                outcome.retry_after_ms = int(e.after * 1000)
        except PermanentFailure as e:
            kind, outcome = "fail", pb.Fail(error=str(e) or "failed")
        except Exception as e:  # the handler's bug or a transient failure: retry with backoff
            log.warning("%s failed: %r", job, e)
            kind, outcome = "retry", pb.Retry(error=f"{type(e).__name__}: {e}")
        cost_ms = int((time.monotonic() - ex.started) * 1000)
        with self._lock:
            self._running.pop((job.id, job.attempt), None)
            reg.running -= 1
            conn = self._current
            # The slot is free again.
            write = (conn is not None and self._state == _RUNNING and reg.spec.name in self._regs
                     and self._grant(conn, [reg]))
        if write:
            self._write_credits()
        if not ex.settle():
            log.debug("%s finished, but its result no longer matters", job)
            return
        self._deliver(ex, kind, outcome, cost_ms)

    def _deliver(self, ex, kind, outcome, cost_ms):
        """Queues the Complete; it is sent until acknowledged, through whichever connection is
        current (resending is safe: a repeat is answered STALE or UNKNOWN_JOB). One completion
        request is in flight at a time: those finishing meanwhile go together as one CompleteBatch
        when the node takes them (Welcome.accepts_complete_batch), with no timer: the thread that
        finds nothing in flight sends at once."""
        c = pb.Complete(job_id=ex.job.id, attempt=ex.job.attempt, cost_ms=cost_ms,
                        lease_token=ex.lease_token)
        getattr(c, kind).CopyFrom(outcome)
        with self._lock:
            self._completions += 1
            self._unsent.append((ex, c))
            if self._sending:
                return
            self._sending = True
        self._send_completions()

    def _send_completions(self):
        """Sends what is queued, batch after batch, until nothing is left (then stops sending)."""
        backoff = 0.05
        while True:
            with self._lock:
                if not self._unsent:
                    self._sending = False
                    return
                batch = self._unsent[:MAX_COMPLETE_BATCH]
                del self._unsent[:MAX_COMPLETE_BATCH]
                conn, state = self._current, self._state
            if state == _CLOSED:
                for ex, _ in batch:
                    log.warning("%s: closed before its completion was acknowledged", ex.job)
                self._settled(len(batch))
                continue
            done = self._send_batch(conn, batch) if conn is not None else 0
            if done == len(batch):
                backoff = 0.05
                continue
            with self._lock:
                self._unsent[:0] = batch[done:]  # first again, on the next connection or after a pause
            time.sleep(0.02 if conn is None else backoff)
            if conn is not None:
                backoff = min(backoff * 2, 1.0)

    def _send_batch(self, conn, batch):
        """Sends one batch and waits for its answer; returns how many of its completions (from the
        first) are done with: acknowledged, or refused for good. The rest must be sent again."""
        if len(batch) > 1 and not conn.welcome.accepts_complete_batch:
            # An older node: one Complete each, answered one by one.
            for i, item in enumerate(batch):
                if self._send_batch(conn, [item]) == 0:
                    return i
            return len(batch)
        env = pb.Envelope()
        if len(batch) == 1:
            env.complete.CopyFrom(batch[0][1])
        else:
            env.complete_batch.completes.extend(c for _, c in batch)
        try:
            reply = conn.request(env).result(self._request_timeout)
        except FutureTimeout:
            return 0
        except CroupierError as e:
            if e.retryable:
                return 0
            for ex, _ in batch:
                log.error("%s: the node refused its completion: %s", ex.job, e)
            self._settled(len(batch))
            return len(batch)
        results = ([reply.complete_ack.result] if len(batch) == 1
                   else list(reply.complete_batch_ack.results))
        for (ex, _), result in zip(batch, results):
            if result != pb.ACCEPTED:
                log.info("%s: the node answered %s to its completion (the lease was lost)",
                         ex.job, pb.LeaseResult.Name(result))
        self._settled(len(batch))
        return len(batch)

    def _settled(self, n):
        with self._lock:
            self._completions -= n

    def _heartbeats(self):
        """Extends every running lease each third of its lease timeout."""
        while not self._stopped.wait(0.05):
            now = time.monotonic()
            with self._lock:
                conn = self._current
                due = [ex for ex in self._running.values()
                       if not ex.settled and ex.next_heartbeat <= now]
            if not due or conn is None:
                continue
            for ex in due:
                ex.next_heartbeat = now + ex.job.lease_timeout_ms / 3000.0
            for i in range(0, len(due), MAX_HEARTBEAT_LEASES):
                batch = due[i:i + MAX_HEARTBEAT_LEASES]
                env = pb.Envelope()
                env.heartbeat.leases.extend(ex.lease_ref() for ex in batch)
                conn.request(env).add_done_callback(lambda f, b=batch: self._on_heartbeat_ack(f, b))

    def _on_heartbeat_ack(self, future, batch):
        try:
            results = future.result().heartbeat_ack.results
        except CroupierError as e:
            # Lost with the connection: try again soon through the next one.
            for ex in batch:
                ex.next_heartbeat = min(ex.next_heartbeat, time.monotonic() + 0.2)
            log.debug("heartbeat failed: %s", e)
            return
        for ex, result in zip(batch, results):
            if result != pb.ACCEPTED and ex.settle():
                # STALE or UNKNOWN_JOB: the lease is gone; stop caring about the result.
                log.info("%s: lease lost (%s); its result will be dropped", ex.job, pb.LeaseResult.Name(result))
                ex.job.cancelled.set()
