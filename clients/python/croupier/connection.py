"""One connection to an engine node: handshake, requests matched to replies by correlation id,
Pong for every Ping, and pushed frames (Dispatch, Goodbye, id-0 Errors) handed to a callback."""

import itertools
import logging
import socket
import ssl
import threading
from concurrent.futures import Future

from ._proto import pb
from .errors import CONNECTION_LOST, CroupierError
from .framing import FrameReader, encode_frame

log = logging.getLogger("croupier")

PROTOCOL_VERSION = 1
DEFAULT_MAX_FRAME_BYTES = 4 << 20


def parse_address(address: str):
    """("host", port) of ``host:port`` (``[v6]:port`` for IPv6 literals)."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"a node address is host:port, e.g. 127.0.0.1:7077: {address!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def body_name(envelope) -> str:
    return envelope.WhichOneof("body") or "empty"


# The most bytes a node puts in one DispatchBatch (proto/README.md, "Batches").
MAX_DISPATCH_BATCH_BYTES = 256 << 10


class ConnectionSettings:
    """How to reach nodes: the token, TLS, timeouts and this client's frame limit."""

    def __init__(self, token: str = "", client_name: str = "croupier-python", role=None,
                 tls: bool = False, ca_file: str = None, ssl_context: ssl.SSLContext = None,
                 connect_timeout: float = 10.0, idle_timeout: float = 35.0,
                 max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES, dispatch_batches: bool = False):
        if connect_timeout <= 0 or idle_timeout <= 0:
            raise ValueError("connect_timeout and idle_timeout must be positive")
        self.token = token or ""
        self.client_name = client_name
        self.role = role if role is not None else pb.ROLE_UNSPECIFIED
        if ssl_context is None and (tls or ca_file):
            ssl_context = ssl.create_default_context(cafile=ca_file)
        self.ssl_context = ssl_context
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.max_frame_bytes = max_frame_bytes
        # Hello.accepts_dispatch_batch: the caller handles DispatchBatch pushes. A node keeps such a
        # frame within MAX_DISPATCH_BATCH_BYTES, so it is declared only when frames that large fit.
        self.dispatch_batches = dispatch_batches and max_frame_bytes >= MAX_DISPATCH_BATCH_BYTES


class Connection:
    """An open connection after Welcome. Thread-safe; ``close()`` fails every waiting request with
    ``CONNECTION_LOST``. ``on_push(connection, envelope)`` and ``on_closed(connection)`` run on the
    reader thread: they must not block for long."""

    def __init__(self, address: str, settings: ConnectionSettings, on_push=None, on_closed=None):
        self.address = address
        self._settings = settings
        self._on_push = on_push or (lambda c, e: None)
        self._on_closed = on_closed or (lambda c: None)
        self._ids = itertools.count(1)
        self._pending = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._closed = threading.Event()
        self.welcome = None
        host, port = parse_address(address)
        try:
            sock = socket.create_connection((host, port), timeout=settings.connect_timeout)
        except OSError as e:
            raise CroupierError(CONNECTION_LOST, f"cannot connect to {address}: {e}") from e
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if settings.ssl_context is not None:
                sock = settings.ssl_context.wrap_socket(sock, server_hostname=host)
        except (OSError, ssl.SSLError) as e:
            sock.close()
            raise CroupierError(CONNECTION_LOST, f"TLS handshake with {address} failed: {e}") from e
        self._sock = sock
        self._reader = FrameReader(self._recv, settings.max_frame_bytes)
        self._handshake()
        # A node that pings seldom must not look dead: wait at least 3.5 of its ping intervals.
        silence = max(settings.idle_timeout, self.welcome.ping_interval_ms * 3.5 / 1000.0)
        self._sock.settimeout(silence)
        self._thread = threading.Thread(target=self._read_loop, name=f"croupier-read-{address}",
                                        daemon=True)
        self._thread.start()

    def _recv(self):
        try:
            return self._sock.recv(65536)
        except socket.timeout:
            raise
        except OSError:
            return b""

    def _handshake(self):
        hello = pb.Envelope(correlation_id=next(self._ids))
        hello.hello.protocol_version = PROTOCOL_VERSION
        hello.hello.token = self._settings.token
        hello.hello.client_name = self._settings.client_name
        hello.hello.role = self._settings.role
        hello.hello.accepts_dispatch_batch = self._settings.dispatch_batches
        try:
            self._sock.sendall(encode_frame(hello))
            reply = self._reader.read()
        except socket.timeout as e:
            self._sock.close()
            raise CroupierError(CONNECTION_LOST, f"no Welcome from {self.address} in time") from e
        except OSError as e:
            self._sock.close()
            raise CroupierError(CONNECTION_LOST, f"handshake with {self.address} failed: {e}") from e
        except CroupierError:
            self._sock.close()
            raise
        if reply is None:
            self._sock.close()
            raise CroupierError(CONNECTION_LOST, f"{self.address} closed the connection during the handshake")
        if reply.HasField("error"):
            self._sock.close()
            raise CroupierError(pb.ErrorCode.Name(reply.error.code), reply.error.message)
        if not reply.HasField("welcome"):
            self._sock.close()
            raise CroupierError("BAD_FRAME", f"{self.address} answered Hello with {body_name(reply)}")
        self.welcome = reply.welcome

    # ---- sending ----

    def _check_size(self, envelope):
        limit = self.welcome.max_frame_bytes if self.welcome else 0
        size = envelope.ByteSize()
        if limit and size > limit:
            raise CroupierError(
                "FRAME_TOO_LARGE",
                f"the {body_name(envelope).replace('_', ' ')} request is {size} bytes, over the {limit} "
                f"bytes {self.address} accepts in a frame (Welcome.max_frame_bytes); it was not sent. "
                "Enqueue large data by reference, or send fewer jobs per batch")

    def _write(self, envelope):
        data = encode_frame(envelope)
        with self._send_lock:
            if self._closed.is_set():
                raise CroupierError(CONNECTION_LOST, f"the connection to {self.address} is closed")
            try:
                self._sock.sendall(data)
            except OSError as e:
                self.close()
                raise CroupierError(CONNECTION_LOST, f"sending to {self.address} failed: {e}") from e

    def request(self, envelope) -> Future:
        """Sends a request (its correlation id is set here); the future gets the reply envelope or a
        ``CroupierError``. A request over the node's frame limit is not sent (FRAME_TOO_LARGE) and
        the connection stays usable."""
        future = Future()
        cid = next(self._ids)
        envelope.correlation_id = cid
        try:
            self._check_size(envelope)
            with self._lock:
                if self._closed.is_set():
                    raise CroupierError(CONNECTION_LOST, f"the connection to {self.address} is closed")
                self._pending[cid] = future
            self._write(envelope)
        except CroupierError as e:
            with self._lock:
                self._pending.pop(cid, None)
            if not future.done():
                future.set_exception(e)
        return future

    def send(self, envelope):
        """Sends a notification (no reply expected). Raises ``CroupierError`` when it cannot."""
        self._check_size(envelope)
        self._write(envelope)

    # ---- receiving ----

    def _read_loop(self):
        reason = "closed"
        try:
            while not self._closed.is_set():
                try:
                    env = self._reader.read()
                except socket.timeout:
                    reason = "no frame from the node for too long"
                    log.warning("no frame from %s for too long; closing", self.address)
                    break
                if env is None:
                    reason = "the node closed the connection"
                    break
                self._dispatch(env)
        except CroupierError as e:
            reason = str(e)
            log.warning("connection to %s failed: %s", self.address, e)
        except (OSError, ValueError) as e:
            reason = str(e)
        finally:
            self._shutdown(reason)

    def _dispatch(self, env):
        kind = body_name(env)
        if kind == "ping":
            pong = pb.Envelope(correlation_id=env.correlation_id)
            pong.pong.data = env.ping.data
            try:
                self._write(pong)
            except CroupierError:
                pass
            return
        if kind == "pong":
            return
        waiting = None
        if env.correlation_id:
            with self._lock:
                waiting = self._pending.pop(env.correlation_id, None)
        if waiting is None:
            if kind == "error":
                log.warning("%s says %s: %s", self.address, pb.ErrorCode.Name(env.error.code),
                            env.error.message)
            try:
                self._on_push(self, env)
            except Exception:  # a callback's bug must not kill the connection
                log.exception("handling a %s from %s failed", kind, self.address)
        elif kind == "error":
            waiting.set_exception(CroupierError(pb.ErrorCode.Name(env.error.code), env.error.message))
        else:
            waiting.set_result(env)

    def _shutdown(self, reason):
        with self._lock:
            already = self._closed.is_set()
            self._closed.set()
            pending, self._pending = self._pending, {}
        try:
            self._sock.close()
        except OSError:
            pass
        lost = CroupierError(CONNECTION_LOST,
                             f"the connection to {self.address} closed before the reply came ({reason})")
        for f in pending.values():
            if not f.done():
                f.set_exception(lost)
        if not already:
            try:
                self._on_closed(self)
            except Exception:
                log.exception("on_closed callback failed")

    @property
    def is_open(self) -> bool:
        return not self._closed.is_set()

    def pending_requests(self) -> int:
        with self._lock:
            return len(self._pending)

    def wait_closed(self, timeout=None) -> bool:
        return self._closed.wait(timeout)

    def close(self):
        """Closes the connection; waiting requests fail with CONNECTION_LOST."""
        if self._closed.is_set():
            return
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._shutdown("closed by this client")

    def __repr__(self):
        return f"Connection({self.address})"
