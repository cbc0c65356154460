"""The producer's requests, replies and errors against a scripted node."""

import threading
import unittest

from croupier import CroupierError, JobRequest, Producer
from croupier._proto import pb

from .fakenode import FakeNode


class ProducerTest(unittest.TestCase):

    def setUp(self):
        self.node = FakeNode(max_frame_bytes=2000)

    def tearDown(self):
        self.node.close()

    def call(self, fn):
        """Runs fn in a thread; returns a getter for its result (or exception)."""
        out = {}

        def run():
            try:
                out["value"] = fn()
            except Exception as e:  # noqa: BLE001
                out["error"] = e
        t = threading.Thread(target=run, daemon=True)
        t.start()

        def get():
            t.join(10)
            if "error" in out:
                raise out["error"]
            return out["value"]
        return get

    def test_enqueue_sends_every_option_and_adds_a_key_for_retries(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        result = self.call(lambda: p.enqueue("acme", "f", b"x", headers={"h": "v"}, priority_ms=5,
                                             watched=True))
        req = conn.next("enqueue")
        item = req.enqueue.item
        self.assertEqual((item.tenant, dict(item.headers), item.priority_ms), ("acme", {"h": "v"}, 5))
        self.assertTrue(item.watched)
        self.assertRegex(item.idempotency_key, r"^croupier-call:[0-9a-f]{32}:0$")
        # The client's own key only has to outlive its retries (30 s by default), plus a minute.
        self.assertEqual(item.idempotency_window_ms, 90_000)
        conn.reply(req, enqueued=pb.Enqueued(jobs=[pb.EnqueuedJob(job_id="j1", duplicate=True)]))
        r = result()
        self.assertEqual((r.job_id, r.duplicate), ("j1", False))  # the client's own key: not a duplicate
        p.close()

    def test_batch_keeps_order_and_reports_duplicates_of_caller_keys(self):
        p = Producer(self.node.address, "tok", retry_deadline=0)
        conn = self.node.accept()
        jobs = [JobRequest("a", "f", idempotency_key="k1"), JobRequest("a", "f")]
        result = self.call(lambda: p.enqueue_batch(jobs))
        req = conn.next("enqueue_batch")
        self.assertEqual([i.idempotency_key for i in req.enqueue_batch.items], ["k1", ""])
        self.assertEqual([i.idempotency_window_ms for i in req.enqueue_batch.items], [0, 0])
        self.assertEqual([i.watched for i in req.enqueue_batch.items], [False, False])
        conn.reply(req, enqueued=pb.Enqueued(jobs=[pb.EnqueuedJob(job_id="j1", duplicate=True),
                                                   pb.EnqueuedJob(job_id="j2")]))
        self.assertEqual([(r.job_id, r.duplicate) for r in result()], [("j1", True), ("j2", False)])
        p.close()

    def test_batch_keys_share_the_calls_token_and_count_its_jobs(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        jobs = [JobRequest("a", "f"), JobRequest("a", "f", idempotency_key="mine"), JobRequest("a", "f")]
        result = self.call(lambda: p.enqueue_batch(jobs))
        req = conn.next("enqueue_batch")
        keys = [i.idempotency_key for i in req.enqueue_batch.items]
        self.assertRegex(keys[0], r"^croupier-call:[0-9a-f]{32}:0$")
        self.assertEqual(keys[1], "mine")
        self.assertEqual(keys[2], keys[0][:-1] + "2")  # the same call's token, the job's index
        conn.reply(req, enqueued=pb.Enqueued(jobs=[pb.EnqueuedJob(job_id=f"j{n}") for n in range(3)]))
        self.assertEqual([r.job_id for r in result()], ["j0", "j1", "j2"])
        p.close()

    def test_node_errors_raise_with_their_code_and_keep_the_connection(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        result = self.call(lambda: p.enqueue("other", "f"))
        req = conn.next("enqueue")
        conn.reply(req, error=pb.Error(code=pb.PERMISSION_DENIED, message="tenant other"))
        with self.assertRaises(CroupierError) as e:
            result()
        self.assertEqual(e.exception.code, "PERMISSION_DENIED")
        lookup = self.call(lambda: p.lookup("j9"))
        req = conn.next("lookup")
        conn.reply(req, error=pb.Error(code=pb.NOT_FOUND, message="no such job"))
        self.assertIsNone(lookup())
        p.close()

    def test_unavailable_is_retried(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        result = self.call(lambda: p.cancel("j1"))
        req = conn.next("cancel")
        conn.reply(req, error=pb.Error(code=pb.UNAVAILABLE, message="redis down"))
        req = conn.next("cancel")
        conn.reply(req, cancelled=pb.Cancelled(cancelled=True))
        self.assertTrue(result())
        p.close()

    def test_watch_returns_the_final_status_and_times_out_with_the_code(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        result = self.call(lambda: p.watch("j1", timeout=5))
        req = conn.next("watch")
        self.assertLessEqual(req.watch.timeout_ms, 5000)
        conn.reply(req, job_status=pb.JobStatus(job_id="j1", state=pb.SUCCEEDED, attempts=1))
        self.assertEqual(result().state, "SUCCEEDED")
        result = self.call(lambda: p.watch("j1", timeout=5))
        req = conn.next("watch")
        conn.reply(req, error=pb.Error(code=pb.TIMEOUT, message="not final"))
        with self.assertRaises(CroupierError) as e:
            result()
        self.assertEqual(e.exception.code, "TIMEOUT")
        p.close()

    def test_a_request_over_the_node_frame_limit_is_not_sent(self):
        p = Producer(self.node.address, "tok")
        conn = self.node.accept()
        with self.assertRaises(CroupierError) as e:
            p.enqueue("a", "f", bytes(5000))
        self.assertEqual(e.exception.code, "FRAME_TOO_LARGE")
        result = self.call(lambda: p.cancel("j1"))  # the connection is still usable
        conn.reply(conn.next("cancel"), cancelled=pb.Cancelled(cancelled=False))
        self.assertFalse(result())
        p.close()

    def test_refused_handshake_raises_its_code(self):
        self.node.refuse = "UNAUTHENTICATED"
        with self.assertRaises(CroupierError) as e:
            Producer(self.node.address, "bad")
        self.assertEqual(e.exception.code, "UNAUTHENTICATED")


if __name__ == "__main__":
    unittest.main()
