"""The producer client: enqueue jobs, cancel them, look them up and wait for them to finish."""

import logging
import random
import threading
import time
import uuid
from concurrent.futures import TimeoutError as FutureTimeout  # not the builtin before 3.11
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from ._proto import pb
from .connection import Connection, ConnectionSettings
from .errors import CONNECTION_LOST, CroupierError

log = logging.getLogger("croupier")

MAX_BATCH_ITEMS = 10_000
#: How the idempotency keys the client gives jobs begin: ``croupier-call:<token>:<index>``, one
#: random 32-hex-digit token per call and the job's index in it (RetryKeys in the Java API). The
#: engine keeps one call's keys in one small Redis hash instead of a key per job.
RETRY_KEY_PREFIX = "croupier-call:"
#: How much longer than the retry deadline the client's own keys deduplicate (seconds): they only
#: have to outlive the call's retries, not the engine's day-long window.
RETRY_KEY_SLACK = 60.0
#: Longest idempotency window a job may ask for (ms; EnqueueOptions.MAX_IDEMPOTENCY_WINDOW).
MAX_IDEMPOTENCY_WINDOW_MS = 30 * 24 * 3600 * 1000
FINAL_STATES = ("SUCCEEDED", "DEAD", "CANCELLED")


@dataclass
class JobRequest:
    """A job to enqueue. Times are milliseconds: ``run_at_ms`` is Unix time (0 = now),
    ``delay_ms`` counts from now, ``priority_ms`` orders the job as if due that much earlier.
    ``max_attempts`` 0 = the function's retry policy. ``idempotency_window_ms`` is how long the
    key deduplicates (0 = the engine's window, 24 h by default; only with a key). ``watched``
    watches the job from the start: its end is announced and its status record kept even on an
    engine that keeps none; set it on a job you will ``watch``, so it cannot end unseen first."""
    tenant: str
    function: str
    payload: bytes = b""
    idempotency_key: Optional[str] = None
    delay_ms: int = 0
    run_at_ms: int = 0
    priority_ms: int = 0
    concurrency_keys: Dict[str, str] = field(default_factory=dict)
    headers: Dict[str, str] = field(default_factory=dict)
    max_attempts: int = 0
    idempotency_window_ms: int = 0
    watched: bool = False

    def to_item(self):
        if isinstance(self.payload, str):
            raise TypeError("payload must be bytes; encode text first (e.g. 'text'.encode())")
        for name in ("delay_ms", "run_at_ms", "priority_ms", "max_attempts", "idempotency_window_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative: {getattr(self, name)}")
        item = pb.EnqueueItem(tenant=self.tenant, function=self.function, payload=bytes(self.payload),
                              run_at_ms=self.run_at_ms, delay_ms=self.delay_ms,
                              priority_ms=self.priority_ms, max_attempts=self.max_attempts,
                              watched=bool(self.watched))
        if self.idempotency_key:
            item.idempotency_key = self.idempotency_key
        if self.idempotency_window_ms:
            item.idempotency_window_ms = self.idempotency_window_ms
        item.concurrency_keys.update(self.concurrency_keys)
        item.headers.update(self.headers)
        return item


@dataclass(frozen=True)
class EnqueueResult:
    job_id: str
    duplicate: bool


@dataclass(frozen=True)
class JobInfo:
    """A job's status. ``state`` is one of QUEUED, DELAYED, RUNNING, SUCCEEDED, FAILED (an attempt
    failed, a retry is scheduled), DEAD, CANCELLED. Times are Unix ms, 0 = none."""
    job_id: str
    tenant: str
    function: str
    state: str
    attempts: int
    max_attempts: int
    last_error: str
    run_at_ms: int
    enqueued_at_ms: int
    finished_at_ms: int
    concurrency_keys: Dict[str, str]
    headers: Dict[str, str]

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @staticmethod
    def of(status) -> "JobInfo":
        return JobInfo(status.job_id, status.tenant, status.function, pb.JobState.Name(status.state),
                       status.attempts, status.max_attempts, status.last_error, status.run_at_ms,
                       status.enqueued_at_ms, status.finished_at_ms, dict(status.concurrency_keys),
                       dict(status.headers))


class Producer:
    """A producer's connection to Croupier, to one node at a time (the next address when one goes
    away). Thread-safe; share one per process; use it as a context manager or ``close()`` it.

    Errors the node reports are raised as ``CroupierError`` with the protocol's code. A call that
    fails with a retryable code (CONNECTION_LOST, TIMEOUT, UNAVAILABLE, RESOURCE_EXHAUSTED,
    SHUTTING_DOWN) is retried with backoff until ``retry_deadline`` seconds after it began; every
    job enqueued without an idempotency key then gets one of the client's, so a retry finds the job
    the first attempt stored instead of storing another (``duplicate`` is reported only for keys the
    caller gave). ``retry_deadline=0`` turns retries and the automatic keys off.
    """

    def __init__(self, addresses, token: str = "", *, tls: bool = False, ca_file: str = None,
                 ssl_context=None, client_name: str = "croupier-python-producer",
                 connect_timeout: float = 10.0, request_timeout: float = 30.0,
                 retry_deadline: float = 30.0, max_frame_bytes: int = 4 << 20):
        if isinstance(addresses, str):
            addresses = [addresses]
        self._addresses = list(addresses)
        if not self._addresses:
            raise ValueError("give at least one node address (host:port)")
        self._settings = ConnectionSettings(token, client_name, pb.ROLE_PRODUCER, tls, ca_file,
                                            ssl_context, connect_timeout, max_frame_bytes=max_frame_bytes)
        self._request_timeout = request_timeout
        self._retry_deadline = retry_deadline
        self._lock = threading.Lock()
        self._current: Optional[Connection] = None
        self._next = 0
        self._closed = False
        self._connection()

    # ---- enqueue ----

    def enqueue(self, tenant: str, function: str, payload: bytes = b"", **options) -> EnqueueResult:
        """Enqueues one job; ``options`` are ``JobRequest``'s fields (idempotency_key,
        idempotency_window_ms, delay_ms, run_at_ms, priority_ms, concurrency_keys, headers,
        max_attempts, watched)."""
        return self.enqueue_job(JobRequest(tenant, function, payload, **options))

    def enqueue_job(self, job: JobRequest) -> EnqueueResult:
        env = pb.Envelope()
        env.enqueue.item.CopyFrom(self._item(job, self._token(), 0))
        reply = self._call(env, "enqueued")
        return self._result(reply.enqueued.jobs[0], job)

    def enqueue_batch(self, jobs: Sequence[JobRequest]) -> List[EnqueueResult]:
        """Enqueues up to 10,000 jobs at once, all or nothing; results in the jobs' order."""
        jobs = list(jobs)
        if len(jobs) > MAX_BATCH_ITEMS:
            raise CroupierError("INVALID_REQUEST",
                                f"a batch may hold at most {MAX_BATCH_ITEMS} jobs: {len(jobs)}; split it")
        env = pb.Envelope()
        token = self._token()
        env.enqueue_batch.items.extend(self._item(j, token, i) for i, j in enumerate(jobs))
        reply = self._call(env, "enqueued")
        return [self._result(r, j) for r, j in zip(reply.enqueued.jobs, jobs)]

    def _token(self) -> Optional[str]:
        """A new call's retry-key token, or None when retries (and their keys) are off."""
        return uuid.uuid4().hex if self._retry_deadline > 0 else None

    def _item(self, job: JobRequest, token: Optional[str], index: int):
        item = job.to_item()
        if token is not None and not job.idempotency_key:
            item.idempotency_key = f"{RETRY_KEY_PREFIX}{token}:{index}"
            item.idempotency_window_ms = min(int((self._retry_deadline + RETRY_KEY_SLACK) * 1000),
                                             MAX_IDEMPOTENCY_WINDOW_MS)
        return item

    @staticmethod
    def _result(enqueued, asked: JobRequest) -> EnqueueResult:
        # A duplicate of the client's own key is this call's retry finding its first attempt's job.
        return EnqueueResult(enqueued.job_id, enqueued.duplicate and bool(asked.idempotency_key))

    # ---- jobs ----

    def cancel(self, job_id: str) -> bool:
        """Cancels a job; False when it already finished or is not one this token may see."""
        env = pb.Envelope()
        env.cancel.job_id = job_id
        attempts = []
        try:
            reply = self._call(env, "cancelled", attempts)
        except CroupierError as e:
            if e.code == "NOT_FOUND":
                return False
            raise
        if not reply.cancelled.cancelled and len(attempts) > 1:
            # An earlier attempt may have cancelled it before its reply was lost.
            info = self.lookup(job_id)
            return info is not None and info.state == "CANCELLED"
        return reply.cancelled.cancelled

    def lookup(self, job_id: str) -> Optional[JobInfo]:
        """The job's status; None when it does not exist (or is not one this token may see)."""
        env = pb.Envelope()
        env.lookup.job_id = job_id
        try:
            return JobInfo.of(self._call(env, "job_status").job_status)
        except CroupierError as e:
            if e.code == "NOT_FOUND":
                return None
            raise

    def watch(self, job_id: str, timeout: float = 600.0) -> JobInfo:
        """Waits until the job is final (SUCCEEDED, DEAD or CANCELLED) and returns its status.
        Raises ``CroupierError`` TIMEOUT when ``timeout`` seconds pass first, NOT_FOUND for a job
        this token cannot see. The wait survives a node going away: it is renewed until the
        timeout."""
        if timeout <= 0:
            raise ValueError(f"timeout must be positive: {timeout}")
        deadline = time.monotonic() + timeout
        backoff = 0.05
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CroupierError("TIMEOUT", f"job {job_id} did not finish in time")
            env = pb.Envelope()
            env.watch.job_id = job_id
            env.watch.timeout_ms = max(1, int(left * 1000))
            try:
                reply = self._connection().request(env).result(left + self._request_timeout)
                return JobInfo.of(self._expect(reply, "job_status").job_status)
            except CroupierError as e:
                if self._closed or not e.retryable or e.code == "TIMEOUT":
                    raise
                time.sleep(min(backoff, max(0.001, left / 2)))
                backoff = min(backoff * 2, 1.0)
            except FutureTimeout as e:
                raise CroupierError("TIMEOUT", f"job {job_id} did not finish in time") from e

    await_result = watch

    # ---- plumbing ----

    def _call(self, env, expected: str, attempts: list = None):
        start = time.monotonic()
        backoff = 0.05
        while True:
            if attempts is not None:
                attempts.append(1)
            try:
                future = self._connection().request(env)
                try:
                    reply = future.result(self._request_timeout)
                except FutureTimeout as e:
                    raise CroupierError("TIMEOUT", f"no reply within {self._request_timeout} s") from e
                return self._expect(reply, expected)
            except CroupierError as e:
                elapsed = time.monotonic() - start
                if self._closed or not e.retryable or elapsed + backoff > self._retry_deadline:
                    raise
                log.debug("retrying %s after %s", expected, e)
                time.sleep(backoff * (0.5 + random.random() / 2))
                backoff = min(backoff * 2, 1.0)

    @staticmethod
    def _expect(reply, expected: str):
        kind = reply.WhichOneof("body")
        if kind != expected:
            raise CroupierError("BAD_FRAME", f"expected {expected} in reply, got {kind}")
        return reply

    def _on_push(self, connection, env):
        if env.WhichOneof("body") == "goodbye":
            log.info("%s is going away (%s); later requests go to the next node",
                     connection.address, env.goodbye.reason)
            with self._lock:
                if self._current is connection:
                    self._current = None
            threading.Thread(target=self._close_when_idle, args=(connection,), daemon=True).start()

    def _close_when_idle(self, connection):
        while connection.is_open and connection.pending_requests() and not self._closed:
            time.sleep(0.02)
        connection.close()

    def _connection(self) -> Connection:
        with self._lock:
            if self._closed:
                raise CroupierError(CONNECTION_LOST, "the producer is closed")
            if self._current is not None and self._current.is_open:
                return self._current
            last = None
            for _ in range(len(self._addresses)):
                address = self._addresses[self._next]
                self._next = (self._next + 1) % len(self._addresses)
                try:
                    self._current = Connection(address, self._settings, on_push=self._on_push)
                    return self._current
                except CroupierError as e:
                    if e.code != CONNECTION_LOST:
                        raise
                    last = e
            raise last

    def close(self):
        """Closes the connection; calls still waiting fail with CONNECTION_LOST."""
        with self._lock:
            self._closed = True
            current, self._current = self._current, None
        if current is not None:
            current.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
