"""A scripted stand-in for a node, for unit tests of the client's behaviour (the conformance suite
and the end-to-end tests run against a real node). Each accepted connection answers Hello with
Welcome (or the error the test chose) and then hands every frame to the test through a queue."""

import queue
import socket
import threading

from croupier._proto import pb
from croupier.framing import FrameReader, encode_frame


class FakeConnection:
    def __init__(self, sock):
        self.sock = sock
        self.frames = queue.Queue()
        self.closed = threading.Event()
        self.reader = FrameReader(self._recv, 64 << 20)
        self.skipped = []

    def _recv(self):
        try:
            return self.sock.recv(65536)
        except OSError:
            return b""

    def send(self, env):
        self.sock.sendall(encode_frame(env))

    def next(self, kind=None, timeout=10):
        """The next frame the client sent (of body ``kind`` when given: others are kept for later
        calls, since replies and notifications may interleave)."""
        for i, env in enumerate(self.skipped):
            if kind is None or env.WhichOneof("body") == kind:
                return self.skipped.pop(i)
        while True:
            env = self.frames.get(timeout=timeout)
            if kind is None or env.WhichOneof("body") == kind:
                return env
            self.skipped.append(env)

    def reply(self, request, **body):
        env = pb.Envelope(correlation_id=request.correlation_id, **body)
        self.send(env)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakeNode:
    def __init__(self, max_frame_bytes=4 << 20, ping_interval_ms=10_000, refuse=None,
                 complete_batches=False):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.max_frame_bytes = max_frame_bytes
        self.ping_interval_ms = ping_interval_ms
        self.refuse = refuse  # an ErrorCode name to answer Hello with
        self.complete_batches = complete_batches  # Welcome.accepts_complete_batch
        self.connections = queue.Queue()
        self.hellos = []
        self.all = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            conn = FakeConnection(sock)
            self.all.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        hello = conn.reader.read()
        if hello is None:
            return
        self.hellos.append(hello)
        if self.refuse:
            conn.reply(hello, error=pb.Error(code=pb.ErrorCode.Value(self.refuse), message="refused"))
            conn.close()
            return
        conn.reply(hello, welcome=pb.Welcome(protocol_version=1, node_id="fake",
                                             max_frame_bytes=self.max_frame_bytes,
                                             ping_interval_ms=self.ping_interval_ms,
                                             accepts_complete_batch=self.complete_batches))
        self.connections.put(conn)
        try:
            while True:
                env = conn.reader.read()
                if env is None:
                    break
                conn.frames.put(env)
        except Exception:
            pass
        conn.closed.set()

    def accept(self, timeout=10) -> FakeConnection:
        return self.connections.get(timeout=timeout)

    def close(self):
        self.server.close()
        for conn in self.all:
            conn.close()
