"""The producer and the worker together against a real node: run by the Java build
(conformance/java, PythonClientTest) with CROUPIER_TEST_NODE=host:port of a node started with
conformance/tokens; skipped when that variable is not set."""

import os
import threading
import time
import unittest
import uuid

from croupier import CroupierError, FunctionSpec, JobRequest, PermanentFailure, Producer, RetryLater, Worker

NODE = os.environ.get("CROUPIER_TEST_NODE")
WORKER_TOKEN = "conformance-worker-token"
PRODUCER_TOKEN = "conformance-producer-token"


@unittest.skipUnless(NODE, "set CROUPIER_TEST_NODE=host:port (a node using conformance/tokens)")
class LiveNodeTest(unittest.TestCase):

    def setUp(self):
        self.fn = f"py-{uuid.uuid4().hex[:8]}"
        self.seen = {}
        self.release = threading.Event()

        def handler(job):
            text = job.payload.decode()
            self.seen[job.id] = (job.attempt, job.headers, text)
            if text == "hold":
                self.release.wait(20)
            elif text == "retry" and job.attempt == 1:
                raise RetryLater("later", after=0.05)
            elif text == "fail":
                raise PermanentFailure("no good")
        self.worker = Worker(NODE, WORKER_TOKEN)
        self.worker.register(FunctionSpec(self.fn, lease_timeout_ms=600), handler, max_in_flight=8)
        self.worker.start()
        self.assertTrue(self.worker.wait_ready(10))
        self.producer = Producer(NODE, PRODUCER_TOKEN)

    def tearDown(self):
        self.release.set()
        self.producer.close()
        self.worker.close()

    def test_enqueue_run_and_watch(self):
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        r = self.producer.enqueue("conf-acme", self.fn, b"hello", headers={"traceparent": tp, "X-Ref": "r1"})
        info = self.producer.watch(r.job_id, timeout=20)
        self.assertEqual((info.state, info.attempts), ("SUCCEEDED", 1))
        expected = {"traceparent": tp, "x-ref": "r1"}  # names come back lower-case
        self.assertEqual(self.seen[r.job_id], (1, expected, "hello"))
        self.assertEqual(info.headers, expected)

    def test_batch_outcomes(self):
        results = self.producer.enqueue_batch([
            JobRequest("conf-acme", self.fn, b"ok"),
            JobRequest("conf-acme", self.fn, b"retry", max_attempts=3),
            JobRequest("conf-acme", self.fn, b"fail")])
        states = [self.producer.watch(r.job_id, timeout=20) for r in results]
        self.assertEqual([(s.state, s.attempts) for s in states], [("SUCCEEDED", 1), ("SUCCEEDED", 2), ("DEAD", 1)])
        self.assertEqual(states[2].last_error, "no good")

    def test_idempotency_key_returns_the_first_job(self):
        key = f"key-{uuid.uuid4().hex}"
        a = self.producer.enqueue("conf-acme", self.fn, b"x", idempotency_key=key)
        b = self.producer.enqueue("conf-acme", self.fn, b"x", idempotency_key=key)
        self.assertEqual((b.job_id, a.duplicate, b.duplicate), (a.job_id, False, True))

    def test_delayed_job_can_be_looked_up_and_cancelled(self):
        r = self.producer.enqueue("conf-acme", self.fn, b"x", delay_ms=60_000)
        self.assertEqual(self.producer.lookup(r.job_id).state, "DELAYED")
        with self.assertRaises(CroupierError) as e:
            self.producer.watch(r.job_id, timeout=0.3)
        self.assertEqual(e.exception.code, "TIMEOUT")
        self.assertTrue(self.producer.cancel(r.job_id))
        self.assertEqual(self.producer.lookup(r.job_id).state, "CANCELLED")
        self.assertFalse(self.producer.cancel(r.job_id))
        self.assertIsNone(self.producer.lookup("0-00000000000000000000000000"))

    def test_long_job_is_kept_alive_by_heartbeats(self):
        r = self.producer.enqueue("conf-acme", self.fn, b"hold")
        deadline = time.monotonic() + 10
        while r.job_id not in self.seen and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(1.5)  # over twice the 600 ms lease: only heartbeats keep it
        self.assertEqual(self.producer.lookup(r.job_id).state, "RUNNING")
        self.release.set()
        info = self.producer.watch(r.job_id, timeout=20)
        self.assertEqual((info.state, info.attempts), ("SUCCEEDED", 1))

    def test_scope_errors_carry_their_code(self):
        with Producer(NODE, "conformance-acme-producer") as narrow:
            with self.assertRaises(CroupierError) as e:
                narrow.enqueue("conf-other", self.fn, b"x")
            self.assertEqual(e.exception.code, "PERMISSION_DENIED")
        with self.assertRaises(CroupierError) as e:
            self.producer.enqueue("conf-acme", "bad name!", b"x")
        self.assertEqual(e.exception.code, "INVALID_REQUEST")
        with self.assertRaises(CroupierError) as e:
            Producer(NODE, "not-a-token-at-all")
        self.assertEqual(e.exception.code, "UNAUTHENTICATED")


if __name__ == "__main__":
    unittest.main()
