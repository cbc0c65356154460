"""The worker's protocol behaviour against a scripted node: what it sends and when."""

import threading
import time
import unittest
from unittest import mock

from croupier import CroupierError, FunctionSpec, PermanentFailure, RetryLater, Worker
from croupier._proto import pb
from croupier.connection import Connection

from .fakenode import FakeNode

TOKEN = bytes(range(16))


def dispatch(job_id, attempt=1, lease_timeout_ms=30_000, function="f", payload=b"p", headers=None):
    env = pb.Envelope()
    d = env.dispatch
    d.job_id, d.tenant, d.function, d.payload, d.attempt = job_id, "t", function, payload, attempt
    d.lease_timeout_ms, d.lease_token = lease_timeout_ms, TOKEN
    d.headers.update(headers or {})
    return env


class WorkerTest(unittest.TestCase):

    def setUp(self):
        self.node = FakeNode()
        self.workers = []

    def tearDown(self):
        for w in self.workers:
            w.abort()
        self.node.close()

    def start(self, handler, max_in_flight=2, spec=None, **kw):
        w = Worker(self.node.address, "tok", reconnect_min_backoff=0.01, shutdown_grace=kw.pop("grace", 5), **kw)
        w.register(spec or FunctionSpec("f", lease_timeout_ms=300), handler, max_in_flight)
        w.start()
        self.workers.append(w)
        conn = self.node.accept()
        reg = conn.next("register_functions")
        self.assertEqual(reg.register_functions.functions[0].spec.name, (spec.name if spec else "f"))
        conn.reply(reg, functions_registered=pb.FunctionsRegistered(functions=["f"]))
        self.assertTrue(w.wait_ready(5))
        return w, conn

    def test_handshake_register_credits_and_complete_echo_the_lease_token(self):
        seen = []
        w, conn = self.start(lambda job: seen.append((job.id, job.headers)))
        self.assertEqual(self.node.hellos[0].hello.token, "tok")
        self.assertEqual(self.node.hellos[0].hello.role, pb.ROLE_WORKER)
        self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 2})
        conn.send(dispatch("j1", headers={"traceparent": "00-ab-01"}))
        c = conn.next("complete")
        self.assertEqual((c.complete.job_id, c.complete.attempt, c.complete.lease_token), ("j1", 1, TOKEN))
        self.assertEqual(c.complete.WhichOneof("outcome"), "success")
        self.assertEqual(seen, [("j1", {"traceparent": "00-ab-01"})])
        self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 1})  # the slot is free again
        conn.reply(c, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))

    def test_a_dispatch_batch_runs_every_job_with_its_own_lease_token(self):
        seen = []
        w, conn = self.start(lambda job: seen.append(job.id), max_in_flight=3)
        self.assertTrue(self.node.hellos[0].hello.accepts_dispatch_batch)
        self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 3})
        env = pb.Envelope()
        for i in range(3):
            d = dispatch(f"j{i}").dispatch
            d.lease_token = bytes([i]) * 16
            env.dispatch_batch.dispatches.append(d)
        conn.send(env)
        tokens = {}
        for _ in range(3):
            c = conn.next("complete")
            tokens[c.complete.job_id] = c.complete.lease_token
            conn.reply(c, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))
        self.assertEqual(tokens, {f"j{i}": bytes([i]) * 16 for i in range(3)})
        self.assertEqual(sorted(seen), ["j0", "j1", "j2"])

    def test_completions_finishing_while_one_is_unanswered_go_as_one_complete_batch(self):
        self.node.close()
        self.node = FakeNode(complete_batches=True)
        release = threading.Event()
        w, conn = self.start(lambda job: job.id == "first" or release.wait(10), max_in_flight=4)
        conn.next("credits")
        conn.send(dispatch("first"))
        first = conn.next("complete")  # an idle worker's completion goes at once, alone
        self.assertEqual(first.complete.job_id, "first")
        for j in ("a", "b", "c"):
            conn.send(dispatch(j))
        release.set()
        deadline = time.monotonic() + 10
        while w._completions < 4 and time.monotonic() < deadline:  # all three queued behind "first"
            time.sleep(0.01)
        conn.reply(first, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))
        batch = conn.next("complete_batch")
        self.assertEqual(sorted(c.job_id for c in batch.complete_batch.completes), ["a", "b", "c"])
        self.assertTrue(all(c.lease_token == TOKEN for c in batch.complete_batch.completes))
        conn.reply(batch, complete_batch_ack=pb.CompleteBatchAck(results=[pb.ACCEPTED] * 3))
        conn.send(dispatch("after"))  # nothing holds completions back once the batch was answered
        self.assertEqual(conn.next("complete").complete.job_id, "after")

    def test_credits_freed_while_one_is_being_written_go_as_one_frame(self):
        # A Credits write that does not finish until the test says (a slow socket, as it were).
        writable, writing = threading.Event(), threading.Event()
        writable.set()
        send = Connection.send

        def slow_credits(conn, env):
            if env.WhichOneof("body") == "credits" and not writable.is_set():
                writing.set()
                writable.wait(10)
            send(conn, env)

        release = threading.Event()
        started = {j: threading.Event() for j in ("a", "b", "c")}

        def handler(job):
            if job.id in started:
                started[job.id].set()
                release.wait(10)
        with mock.patch.object(Connection, "send", slow_credits):
            try:
                w, conn = self.start(handler, max_in_flight=4)
                self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 4})
                for j in ("a", "b", "c"):
                    conn.send(dispatch(j))
                self.assertTrue(all(e.wait(10) for e in started.values()))
                writable.clear()
                conn.send(dispatch("first"))
                # An idle worker writes its credit at once (here the write hangs until allowed).
                self.assertTrue(writing.wait(10), "the first credit was not written at once")
                release.set()  # a, b and c finish while that frame is being written
                deadline = time.monotonic() + 10
                while w.running_jobs() and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.assertEqual(w.running_jobs(), 0)
            finally:
                writable.set()
            self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 1})
            self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 3})
            conn.send(dispatch("after"))  # nothing holds a credit back once the frame was written
            self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 1})

    def test_outcomes_map_to_retry_and_fail(self):
        def handler(job):
            if job.id == "retry":
                raise RetryLater("busy", after=1.5)
            if job.id == "fail":
                raise PermanentFailure("bad input")
            raise KeyError("boom")
        w, conn = self.start(handler, max_in_flight=3)
        for j in ("retry", "fail", "crash"):
            conn.send(dispatch(j))
        got = {}
        for _ in range(3):
            c = conn.next("complete")
            got[c.complete.job_id] = c.complete
            conn.reply(c, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))
        self.assertEqual((got["retry"].retry.error, got["retry"].retry.has_retry_after,
                          got["retry"].retry.retry_after_ms), ("busy", True, 1500))
        self.assertEqual(got["fail"].fail.error, "bad input")
        self.assertFalse(got["crash"].retry.has_retry_after)
        self.assertIn("boom", got["crash"].retry.error)

    def test_heartbeats_echo_the_token_and_stale_stops_caring(self):
        release = threading.Event()
        cancelled = []

        def handler(job):
            job.cancelled.wait(10)
            cancelled.append(job.cancelled.is_set())
            release.set()
        w, conn = self.start(handler)
        self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 2})
        conn.send(dispatch("j1", lease_timeout_ms=300))
        hb = conn.next("heartbeat")
        self.assertEqual([(l.job_id, l.attempt, l.lease_token) for l in hb.heartbeat.leases], [("j1", 1, TOKEN)])
        conn.reply(hb, heartbeat_ack=pb.HeartbeatAck(results=[pb.ACCEPTED]))
        hb = conn.next("heartbeat")
        conn.reply(hb, heartbeat_ack=pb.HeartbeatAck(results=[pb.STALE]))
        self.assertTrue(release.wait(10))
        self.assertEqual(cancelled, [True])
        # The slot comes back, but no Complete is sent for a lost lease.
        self.assertEqual(dict(conn.next("credits").credits.grants), {"f": 1})
        ping = pb.Envelope(correlation_id=77)
        ping.ping.data = b"x"
        conn.send(ping)
        frame = conn.next("pong")
        self.assertEqual((frame.correlation_id, frame.pong.data), (77, b"x"))
        # Frames arrive in order: by the Pong, a Complete for the lost lease would have come.
        self.assertEqual([f for f in conn.skipped if f.WhichOneof("body") == "complete"], [])

    def test_reconnects_registers_again_and_delivers_the_completion_there(self):
        go, started = threading.Event(), threading.Event()

        def handler(job):
            started.set()
            go.wait(10)
        w, conn = self.start(handler, max_in_flight=2)
        conn.next("credits")
        conn.send(dispatch("j1"))
        self.assertTrue(started.wait(10))
        conn.close()  # the node goes away while the job runs
        conn2 = self.node.accept()
        reg = conn2.next("register_functions")
        conn2.reply(reg, functions_registered=pb.FunctionsRegistered(functions=["f"]))
        # One job still runs: one free slot on the new connection.
        self.assertEqual(dict(conn2.next("credits").credits.grants), {"f": 1})
        go.set()
        c = conn2.next("complete")
        self.assertEqual((c.complete.job_id, c.complete.lease_token), ("j1", TOKEN))
        conn2.reply(c, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))

    def test_goodbye_from_the_node_moves_to_a_new_connection(self):
        w, conn = self.start(lambda job: None)
        conn.next("credits")
        bye = pb.Envelope()
        bye.goodbye.reason = "stopping"
        conn.send(bye)
        conn2 = self.node.accept()
        self.assertEqual(conn2.next("register_functions").register_functions.functions[0].spec.name, "f")

    def test_close_drains_says_goodbye_and_hands_back_what_is_left(self):
        started = threading.Event()

        def handler(job):
            started.set()
            job.cancelled.wait(10)
        w, conn = self.start(handler, grace=0.2)
        conn.next("credits")
        conn.send(dispatch("slow"))
        self.assertTrue(started.wait(10))
        threading.Thread(target=w.close, daemon=True).start()
        self.assertEqual(conn.next("goodbye").goodbye.reason, "worker shutting down")
        c = conn.next("complete")
        self.assertEqual((c.complete.job_id, c.complete.retry.has_retry_after, c.complete.retry.retry_after_ms),
                         ("slow", True, 0))
        conn.reply(c, complete_ack=pb.CompleteAck(result=pb.ACCEPTED))

    def test_a_refusal_is_fatal_and_raised(self):
        self.node.refuse = "UNAUTHENTICATED"
        w = Worker(self.node.address, "wrong", reconnect_min_backoff=0.01)
        self.workers.append(w)
        w.register("f", lambda job: None)
        w.start()
        with self.assertRaises(CroupierError) as e:
            w.wait_ready(10)
        self.assertEqual(e.exception.code, "UNAUTHENTICATED")

    def test_conflict_on_registration_is_raised(self):
        w = Worker(self.node.address, "tok")
        self.workers.append(w)
        w.register("f", lambda job: None)
        w.start()
        conn = self.node.accept()
        reg = conn.next("register_functions")
        conn.reply(reg, error=pb.Error(code=pb.CONFLICT, message="different config"))
        with self.assertRaises(CroupierError) as e:
            w.wait_ready(10)
        self.assertEqual(e.exception.code, "CONFLICT")


if __name__ == "__main__":
    unittest.main()
