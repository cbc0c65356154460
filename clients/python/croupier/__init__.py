"""Croupier's Python client: a worker and a producer speaking the wire protocol
(proto/README.md) with only the standard library and the protobuf runtime."""

from .errors import CONNECTION_LOST, CroupierError
from .producer import EnqueueResult, JobInfo, JobRequest, Producer
from .worker import FunctionSpec, Job, PermanentFailure, RetryLater, RetryPolicy, Worker

__all__ = ["CroupierError", "CONNECTION_LOST", "Producer", "JobRequest", "EnqueueResult", "JobInfo",
           "Worker", "FunctionSpec", "RetryPolicy", "Job", "RetryLater", "PermanentFailure"]
