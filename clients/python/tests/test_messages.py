import unittest

from croupier import CroupierError, FunctionSpec, JobInfo, JobRequest, RetryPolicy
from croupier._proto import pb
from croupier.connection import parse_address
from croupier.worker import Job


class JobRequestTest(unittest.TestCase):

    def test_every_option_reaches_the_item(self):
        item = JobRequest("acme", "send-sms", b"hi", idempotency_key="k1", delay_ms=5, run_at_ms=7,
                          priority_ms=9, concurrency_keys={"account": "a"},
                          headers={"traceparent": "00-ab-01"}, max_attempts=3).to_item()
        self.assertEqual((item.tenant, item.function, item.payload), ("acme", "send-sms", b"hi"))
        self.assertEqual((item.delay_ms, item.run_at_ms, item.priority_ms, item.max_attempts), (5, 7, 9, 3))
        self.assertEqual(item.idempotency_key, "k1")
        self.assertEqual(dict(item.concurrency_keys), {"account": "a"})
        self.assertEqual(dict(item.headers), {"traceparent": "00-ab-01"})

    def test_bad_options_are_refused_with_their_name(self):
        with self.assertRaisesRegex(ValueError, "delay_ms"):
            JobRequest("a", "f", delay_ms=-1).to_item()
        with self.assertRaisesRegex(TypeError, "bytes"):
            JobRequest("a", "f", "text").to_item()


class FunctionSpecTest(unittest.TestCase):

    def test_spec_to_proto(self):
        spec = FunctionSpec("f", concurrency_limit=3, per_tenant_limit=2, keyed_limits={"k": 1, "j": 4},
                            retry=RetryPolicy(7, 100, 1.5, 1000), lease_timeout_ms=600).to_proto()
        self.assertEqual([(k.key, k.limit) for k in spec.keyed_limits], [("k", 1), ("j", 4)])
        self.assertEqual((spec.retry.max_attempts, spec.retry.factor), (7, 1.5))
        self.assertEqual((spec.concurrency_limit, spec.per_tenant_limit, spec.lease_timeout_ms), (3, 2, 600))
        self.assertFalse(FunctionSpec("g").to_proto().HasField("retry"))


class StatusTest(unittest.TestCase):

    def test_job_info_of_status(self):
        s = pb.JobStatus(job_id="j", tenant="t", function="f", state=pb.DEAD, attempts=2, max_attempts=2,
                         last_error="boom", finished_at_ms=5)
        s.headers["h"] = "v"
        info = JobInfo.of(s)
        self.assertEqual((info.state, info.final, info.last_error, info.headers), ("DEAD", True, "boom", {"h": "v"}))

    def test_dispatch_to_job_exposes_headers(self):
        d = pb.Dispatch(job_id="j", tenant="t", function="f", payload=b"p", attempt=2, lease_token=b"x" * 16)
        d.headers["traceparent"] = "00-ab-01"
        job = Job(d)
        self.assertEqual((job.headers, job.attempt, job.payload), ({"traceparent": "00-ab-01"}, 2, b"p"))
        self.assertEqual(job.lease_timeout_ms, 30_000)  # 0 on the wire = the default


class ErrorsAndAddressesTest(unittest.TestCase):

    def test_retryable_codes(self):
        self.assertTrue(CroupierError("UNAVAILABLE", "x").retryable)
        self.assertFalse(CroupierError("PERMISSION_DENIED", "x").retryable)

    def test_parse_address(self):
        self.assertEqual(parse_address("localhost:7077"), ("localhost", 7077))
        self.assertEqual(parse_address("[::1]:7077"), ("::1", 7077))
        for bad in ("localhost", ":7077", "h:0", "h:port"):
            with self.assertRaises(ValueError):
                parse_address(bad)


if __name__ == "__main__":
    unittest.main()
