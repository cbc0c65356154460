"""The conformance suite's Python runner (conformance/README.md): checks the golden frames with the
Python client's framing, and plays the scripted sessions against a real node.

    /usr/bin/python3 conformance/python/run.py --node 127.0.0.1:7077      # frames and sessions
    /usr/bin/python3 conformance/python/run.py                            # golden frames only

Prints one line per case and a closing "N passed, N failed"; exits 1 when anything failed.
"""

import argparse
import json
import re
import socket
import sys
import time
import traceback
import uuid
from pathlib import Path

SUITE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SUITE.parent / "clients" / "python"))

from google.protobuf import json_format  # noqa: E402

from croupier._proto import pb  # noqa: E402
from croupier.connection import parse_address  # noqa: E402
from croupier.framing import FrameReader, decode_frame, encode_frame  # noqa: E402

DEFAULT_TIMEOUT_MS = 10_000
VAR = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class Failure(AssertionError):
    pass


def to_json(env) -> dict:
    return json_format.MessageToDict(env)


def parse(envelope_json) -> "pb.Envelope":
    return json_format.ParseDict(envelope_json, pb.Envelope())


# ---- golden frames ----

def check_golden(case):
    expected = parse(case["envelope"])
    frame = bytes.fromhex(case["frame"])
    if not case.get("decodeOnly"):
        got = encode_frame(expected).hex()
        if got != case["frame"]:
            raise Failure(f"encoded {got}\n  expected {case['frame']}")
    decoded = decode_frame(frame)
    decoded.DiscardUnknownFields()
    if decoded != expected:
        raise Failure(f"decoded {to_json(decoded)}\n  expected {to_json(expected)}")


# ---- sessions ----

def substitute(value, env):
    if isinstance(value, dict):
        # Keys too: map fields (Credits.grants) are keyed by names that may hold variables.
        return {substitute(k, env): substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    if isinstance(value, str):
        whole = VAR.fullmatch(value)
        if whole:
            return lookup_var(env, whole.group(1))
        return VAR.sub(lambda m: str(lookup_var(env, m.group(1))), value)
    return value


def lookup_var(env, name):
    if name not in env:
        raise Failure(f"${{{name}}} was never captured")
    return env[name]


def is_default(v):
    return v in (None, False, 0, "", "0", [], {})


def matches(expected, actual) -> bool:
    if isinstance(expected, dict) and "$oneOf" in expected:
        return any(matches(e, actual) for e in expected["$oneOf"])
    if expected == "*":
        return not is_default(actual)
    if isinstance(expected, dict):
        actual = actual if isinstance(actual, dict) else ({} if actual is None else None)
        return actual is not None and all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        actual = [] if actual is None else actual
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            matches(e, a) for e, a in zip(expected, actual))
    if actual is None:
        return is_default(expected)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, str) or \
            isinstance(actual, (int, float)) and isinstance(expected, str):
        return str(expected) == str(actual)
    return expected == actual


def pick(doc, path):
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, dict):
            return None  # a field at its default is absent from proto3 JSON: it captures as null
        else:
            raise Failure(f"the frame has no {path}: {doc}")
    return cur


class Peer:
    """One connection of a session: the client's framing over a plain socket."""

    def __init__(self, name, address):
        self.name = name
        host, port = parse_address(address)
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = FrameReader(self._recv, 64 << 20)
        self.buffered = []
        self.closed = False

    def _recv(self):
        try:
            return self.sock.recv(65536)
        except ConnectionResetError:
            return b""

    def send(self, env):
        self.sock.sendall(encode_frame(env))

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def read(self, deadline, keep_pings):
        """The next frame (pings answered and skipped unless keep_pings); None at the end."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.sock.settimeout(left)
            env = self.reader.read()
            if env is None:
                self.closed = True
                return None
            if env.WhichOneof("body") == "ping" and not keep_pings:
                pong = pb.Envelope(correlation_id=env.correlation_id)
                pong.pong.data = env.ping.data
                self.send(pong)
                continue
            return env

    def close(self):
        self.sock.close()


def run_session(session, address):
    env = {"run": uuid.uuid4().hex[:8]}
    peers = {}
    try:
        for index, raw_step in enumerate(session["steps"]):
            step = substitute(raw_step, env) if "capture" not in raw_step else \
                {**substitute({k: v for k, v in raw_step.items() if k != "capture"}, env),
                 "capture": raw_step["capture"]}
            try:
                run_step(step, peers, env, address)
            except Failure as e:
                raise Failure(f"step {index + 1} {json.dumps(raw_step)[:200]}: {e}") from None
            except socket.timeout:
                raise Failure(f"step {index + 1} {json.dumps(raw_step)[:200]}: timed out") from None
    finally:
        for p in peers.values():
            p.close()


def run_step(step, peers, env, address):
    if "open" in step:
        peers[step["open"]] = Peer(step["open"], address)
    elif "connect" in step:
        p = peers[step["connect"]] = Peer(step["connect"], address)
        hello = parse({"correlationId": "1", "hello": {"protocolVersion": 1, "token": step.get("token", ""),
                                                       "clientName": "conformance-python",
                                                       "role": step.get("role", "ROLE_UNSPECIFIED")}})
        p.send(hello)
        expect(p, {"correlationId": "1", "welcome": {"protocolVersion": 1}}, DEFAULT_TIMEOUT_MS, None, env)
    elif "send" in step:
        peers[step["send"]].send(parse(step["envelope"]))
    elif "sendRaw" in step:
        peers[step["sendRaw"]].send_raw(bytes.fromhex(step["hex"]))
    elif "expect" in step:
        expect(peers[step["expect"]], step["envelope"], step.get("timeoutMs", DEFAULT_TIMEOUT_MS),
               step.get("capture"), env)
    elif "expectClosed" in step:
        p = peers[step["expectClosed"]]
        if p.buffered:
            raise Failure(f"frames left unread before the close: {[to_json(e) for e in p.buffered]}")
        deadline = time.monotonic() + step.get("timeoutMs", DEFAULT_TIMEOUT_MS) / 1000
        try:
            env_ = p.read(deadline, keep_pings=False)
        except socket.timeout:
            raise Failure("the node did not close the connection") from None
        if env_ is not None:
            raise Failure(f"expected the connection to close, got {to_json(env_)}")
    elif "sleep" in step:
        time.sleep(step["sleep"] / 1000)
    else:
        raise Failure(f"unknown step {step}")


def expect(peer, expected, timeout_ms, capture, env):
    wants_ping = "ping" in expected
    for i, frame in enumerate(peer.buffered):
        if matches(expected, to_json(frame)):
            del peer.buffered[i]
            return do_capture(frame, capture, env)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            frame = peer.read(deadline, keep_pings=wants_ping)
        except socket.timeout:
            raise Failure(f"no frame matching {expected} on {peer.name} within {timeout_ms} ms; "
                          f"unmatched: {[to_json(e) for e in peer.buffered]}") from None
        if frame is None:
            raise Failure(f"{peer.name} closed while waiting for {expected}; "
                          f"unmatched: {[to_json(e) for e in peer.buffered]}")
        if matches(expected, to_json(frame)):
            return do_capture(frame, capture, env)
        peer.buffered.append(frame)


def do_capture(frame, capture, env):
    doc = to_json(frame)
    for name, path in (capture or {}).items():
        env[name] = pick(doc, path)


# ---- main ----

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--node", help="host:port of a node started with --tokens conformance/tokens "
                                   "(sessions are skipped without it)")
    ap.add_argument("--only", help="run only cases and sessions whose name contains this")
    args = ap.parse_args(argv)
    passed = failed = 0

    def report(name, fn):
        nonlocal passed, failed
        if args.only and args.only not in name:
            return
        try:
            fn()
            passed += 1
            print(f"ok   {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            detail = str(e) if isinstance(e, (Failure, OSError)) else traceback.format_exc()
            print(f"FAIL {name}: {detail}", flush=True)

    for path in sorted((SUITE / "golden").glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            report(f"golden/{path.stem}/{case['name']}", lambda c=case: check_golden(c))
    if args.node:
        for path in sorted((SUITE / "sessions").glob("*.json")):
            session = json.loads(path.read_text())
            report(f"session/{path.stem}", lambda s=session: run_session(s, args.node))
    print(f"conformance: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
