"""``python3 -m croupier.worker``: serve functions with the built-in demo handler (or one of yours).

    python3 -m croupier.worker --connect 127.0.0.1:7077 --function demo.echo --max-in-flight 4

The demo handler reads the payload as text:
  ``fail:MESSAGE``     fails the job for good (dead now) with MESSAGE
  ``retry:N:MESSAGE``  asks for a retry (after 0.1 s) until attempt N has failed, then succeeds
  ``sleep:MS``         sleeps MS milliseconds (heartbeating), then succeeds
  anything else        succeeds
and prints one line per job it finishes, ``result JOB_ID ATTEMPT OUTCOME DETAIL``, where DETAIL
for a success is the payload upper-cased (and the job's headers, if any, as k=v pairs).
``--handler module:function`` serves your own handler instead.
"""

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
import time

from ..errors import CroupierError
from . import FunctionSpec, PermanentFailure, RetryLater, RetryPolicy, Worker

_print_lock = threading.Lock()


def _say(*parts):
    with _print_lock:
        print(*parts, flush=True)


def demo_handler(job):
    text = job.payload.decode("utf-8", errors="replace")
    if text.startswith("fail:"):
        _say("result", job.id, job.attempt, "fail", text[5:])
        raise PermanentFailure(text[5:])
    if text.startswith("retry:"):
        _, n, message = (text.split(":", 2) + [""])[:3]
        if job.attempt <= int(n):
            _say("result", job.id, job.attempt, "retry", message)
            raise RetryLater(message, after=0.1)
    if text.startswith("sleep:"):
        end = time.monotonic() + int(text[6:]) / 1000.0
        while time.monotonic() < end and not job.cancelled.is_set():
            time.sleep(0.01)
    detail = text.upper()
    if job.headers:
        detail += " " + " ".join(f"{k}={v}" for k, v in sorted(job.headers.items()))
    _say("result", job.id, job.attempt, "success", detail)


def _load_handler(name):
    module, sep, attr = name.partition(":")
    if not sep:
        raise SystemExit(f"--handler is module:function, e.g. myapp.jobs:send_sms: {name!r}")
    return getattr(importlib.import_module(module), attr)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m croupier.worker", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--connect", action="append", required=True, metavar="HOST:PORT",
                   help="a node address (repeat, or separate with commas, for several)")
    p.add_argument("--token", default=os.environ.get("CROUPIER_TOKEN", ""),
                   help="the worker token (default: $CROUPIER_TOKEN)")
    p.add_argument("--tls", action="store_true", help="connect with TLS")
    p.add_argument("--ca-file", help="PEM file of the CA (or certificate) to trust (implies --tls)")
    p.add_argument("--function", action="append", required=True, metavar="NAME",
                   help="a function to serve (repeat for several)")
    p.add_argument("--handler", help="module:function to run instead of the demo handler")
    p.add_argument("--max-in-flight", type=int, default=4, help="jobs run at once per function")
    p.add_argument("--concurrency-limit", type=int, default=0)
    p.add_argument("--per-tenant-limit", type=int, default=0)
    p.add_argument("--lease-timeout-ms", type=int, default=0)
    p.add_argument("--max-attempts", type=int, default=0,
                   help="retry policy: deliveries in all (0 = the node's default policy)")
    p.add_argument("--name", default=f"croupier-python-worker@{os.uname().nodename}")
    p.add_argument("--shutdown-grace", type=float, default=30.0, help="seconds to drain on SIGTERM")
    p.add_argument("--verbose", "-v", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = _load_handler(args.handler) if args.handler else demo_handler
    addresses = [a for arg in args.connect for a in arg.split(",") if a]
    retry = RetryPolicy(max_attempts=args.max_attempts) if args.max_attempts else None
    try:
        worker = Worker(addresses, args.token, tls=args.tls or bool(args.ca_file), ca_file=args.ca_file,
                        name=args.name, shutdown_grace=args.shutdown_grace)
    except ValueError as e:
        p.error(str(e))
    for name in args.function:
        worker.register(FunctionSpec(name, concurrency_limit=args.concurrency_limit,
                                     per_tenant_limit=args.per_tenant_limit,
                                     lease_timeout_ms=args.lease_timeout_ms, retry=retry),
                        handler, args.max_in_flight)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    try:
        while not worker.wait_ready(0.2):
            if stop.is_set():
                worker.close()
                return 0
        _say("ready", ",".join(args.function))
        while not stop.wait(0.2):
            if worker.stopped:
                break
        worker.close()
        worker.run()  # raises the node's refusal, if that is why it stopped
    except CroupierError as e:
        print(f"croupier worker: {e}", file=sys.stderr)
        return 2
    _say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
