"""Writes conformance/golden/*.json from the cases below (run with /usr/bin/python3 from the repo
root; the Python client computes the frames, the Java runner checks them independently).

Run it only to add cases: the files it writes are the suite, reviewed and committed like code.
"""

import base64
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))

from google.protobuf import json_format  # noqa: E402

from croupier._proto import pb  # noqa: E402
from croupier.framing import encode_frame, encode_varint  # noqa: E402

TOKEN = base64.b64encode(bytes(range(16))).decode()
U64_MAX = "18446744073709551615"
U32_MAX = 4294967295


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


GROUPS = {
    "handshake": [
        ("hello", "a worker's Hello", {"correlationId": "1", "hello": {
            "protocolVersion": 1, "token": "secret-worker-token", "clientName": "billing@host-7",
            "role": "ROLE_WORKER"}}),
        ("hello_batches", "a worker's Hello that takes DispatchBatch", {"correlationId": "1", "hello": {
            "protocolVersion": 1, "token": "secret-worker-token", "role": "ROLE_WORKER",
            "acceptsDispatchBatch": True}}),
        ("hello_empty_token", "Hello to a node without tokens: empty strings are not encoded",
         {"correlationId": "1", "hello": {"protocolVersion": 1, "role": "ROLE_PRODUCER"}}),
        ("welcome", "the node's Welcome", {"correlationId": "1", "welcome": {
            "protocolVersion": 1, "nodeId": "node-3f2a", "maxFrameBytes": 4194304,
            "pingIntervalMs": "10000"}}),
        ("welcome_batches", "the Welcome of a node that takes CompleteBatch", {"correlationId": "1", "welcome": {
            "protocolVersion": 1, "nodeId": "node-3f2a", "maxFrameBytes": 4194304,
            "pingIntervalMs": "10000", "acceptsCompleteBatch": True}}),
        ("ping_empty", "a Ping with no data: an empty message in the oneof is still encoded (62 00)",
         {"correlationId": "7", "ping": {}}),
        ("ping_data", "a server Ping with data", {"correlationId": "9", "ping": {"data": b64(b"\x00\x01\xfe\xff")}}),
        ("pong_data", "the Pong echoing it", {"correlationId": "9", "pong": {"data": b64(b"\x00\x01\xfe\xff")}}),
        ("goodbye", "Goodbye as a notification (id 0 is not encoded)", {"goodbye": {"reason": "node stopping"}}),
        ("error_answer", "an Error answering request 42",
         {"correlationId": "42", "error": {"code": "PERMISSION_DENIED", "message": "tenant acme is not in this token's scope"}}),
        ("error_close", "an id-0 Error: the last frame before the node closes",
         {"error": {"code": "FRAME_TOO_LARGE", "message": "frame of 5000000 bytes is over the maximum of 4194304"}}),
        ("error_unknown_code", "an error code this client may not know (99): kept as a number",
         {"correlationId": "3", "error": {"code": 99, "message": "from a newer node"}}),
    ],
    "worker": [
        ("register_functions", "RegisterFunctions with every FunctionSpec field", {
            "correlationId": "2", "registerFunctions": {"functions": [
                {"spec": {"name": "send-sms", "concurrencyLimit": 100, "perTenantLimit": 10,
                          "keyedLimits": [{"key": "account", "limit": 2}, {"key": "region", "limit": 50}],
                          "retry": {"maxAttempts": 7, "baseMs": "500", "factor": 1.5, "capMs": "60000"},
                          "leaseTimeoutMs": "20000"},
                 "maxInFlight": 8},
                {"spec": {"name": "resize.image"}, "maxInFlight": 1}]}}),
        ("functions_registered", "its reply", {"correlationId": "2", "functionsRegistered": {"functions": ["send-sms", "resize.image"]}}),
        ("unregister_functions", "UnregisterFunctions", {"correlationId": "3", "unregisterFunctions": {"functions": ["resize.image"]}}),
        ("functions_unregistered", "its reply", {"correlationId": "3", "functionsUnregistered": {"functions": ["resize.image"]}}),
        ("credits", "Credits for two functions: map entries are encoded in key order",
         {"credits": {"grants": {"send-sms": 8, "resize.image": 1}}}),
        ("dispatch", "a Dispatch with every field, both maps and a 16-byte lease token", {"dispatch": {
            "jobId": "01JD4Q8X5Z7K3M2N", "tenant": "acme", "function": "send-sms",
            "payload": b64(b'{"to":"+15550100"}'), "attempt": 2, "maxAttempts": 5,
            "deadlineMs": "1764547200000", "concurrencyKeys": {"region": "eu", "account": "a-17"},
            "enqueuedAtMs": "1764547100000", "leaseTimeoutMs": "30000", "leaseToken": TOKEN,
            "headers": {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "baggage": "k=v"}}}),
        ("dispatch_minimal", "a Dispatch whose fields are mostly defaults (not encoded)",
         {"dispatch": {"jobId": "j", "tenant": "t", "function": "f", "attempt": 1}}),
        ("heartbeat", "a Heartbeat of three leases with their tokens", {"correlationId": "11", "heartbeat": {"leases": [
            {"jobId": "j1", "attempt": 1, "leaseToken": TOKEN},
            {"jobId": "j2", "attempt": 3, "leaseToken": b64(b"\xff" * 16)},
            {"jobId": "j3", "attempt": U32_MAX}]}}),
        ("heartbeat_ack", "its reply: repeated enums are packed",
         {"correlationId": "11", "heartbeatAck": {"results": ["ACCEPTED", "STALE", "UNKNOWN_JOB"]}}),
        ("complete_success", "Complete with success: the empty Success message is encoded", {"correlationId": "12", "complete": {
            "jobId": "j1", "attempt": 1, "costMs": "153", "leaseToken": TOKEN, "success": {}}}),
        ("complete_retry_after", "Complete with retry after 5 s", {"correlationId": "13", "complete": {
            "jobId": "j1", "attempt": 2, "costMs": "10", "leaseToken": TOKEN,
            "retry": {"error": "upstream busy", "retryAfterMs": "5000", "hasRetryAfter": True}}}),
        ("complete_retry_after_zero", "retry at once: has_retry_after with retry_after_ms 0 (0 not encoded)", {"correlationId": "14", "complete": {
            "jobId": "j1", "attempt": 2, "leaseToken": TOKEN, "retry": {"error": "handed back", "hasRetryAfter": True}}}),
        ("complete_retry_backoff", "retry with the function's backoff", {"correlationId": "15", "complete": {
            "jobId": "j1", "attempt": 2, "costMs": "1", "leaseToken": TOKEN, "retry": {"error": "timeout"}}}),
        ("complete_fail", "Complete with fail", {"correlationId": "16", "complete": {
            "jobId": "j1", "attempt": 1, "costMs": "3153600000000", "leaseToken": TOKEN, "fail": {"error": "invalid number"}}}),
        ("complete_ack", "CompleteAck", {"correlationId": "16", "completeAck": {"result": "ACCEPTED"}}),
        ("complete_ack_stale", "CompleteAck STALE", {"correlationId": "17", "completeAck": {"result": "STALE"}}),
        ("dispatch_batch", "a DispatchBatch of two jobs, each with its own lease token", {"dispatchBatch": {"dispatches": [
            {"jobId": "01JD4Q8X5Z7K3M2N", "tenant": "acme", "function": "send-sms", "payload": b64(b"1"),
             "attempt": 1, "maxAttempts": 5, "deadlineMs": "1764547200000", "enqueuedAtMs": "1764547100000",
             "leaseTimeoutMs": "30000", "leaseToken": TOKEN},
            {"jobId": "01JD4Q8X5Z7K3M2P", "tenant": "globex", "function": "send-sms", "attempt": 2,
             "maxAttempts": 5, "deadlineMs": "1764547200001", "concurrencyKeys": {"account": "a-17"},
             "leaseTimeoutMs": "30000", "leaseToken": b64(b"\xff" * 16), "headers": {"traceparent": "00-abc-01"}}]}}),
        ("complete_batch", "a CompleteBatch of three outcomes, each with its job's lease token",
         {"correlationId": "18", "completeBatch": {"completes": [
             {"jobId": "01JD4Q8X5Z7K3M2N", "attempt": 1, "costMs": "12", "leaseToken": TOKEN, "success": {}},
             {"jobId": "01JD4Q8X5Z7K3M2P", "attempt": 2, "costMs": "7", "leaseToken": b64(b"\xff" * 16),
              "retry": {"error": "upstream busy", "retryAfterMs": "5000", "hasRetryAfter": True}},
             {"jobId": "01JD4Q8X5Z7K3M2Q", "attempt": 5, "leaseToken": TOKEN, "fail": {"error": "invalid number"}}]}}),
        ("complete_batch_ack", "its reply: one packed LeaseResult per completion, in order",
         {"correlationId": "18", "completeBatchAck": {"results": ["ACCEPTED", "UNKNOWN_JOB", "STALE"]}}),
    ],
    "producer": [
        ("enqueue", "Enqueue with every EnqueueItem field", {"correlationId": "21", "enqueue": {"item": {
            "tenant": "acme", "function": "send-sms", "payload": b64(b"hello"), "runAtMs": "253402300799999",
            "delayMs": "3153600000000", "priorityMs": "60000", "idempotencyKey": "order-1234",
            "concurrencyKeys": {"account": "a-17"}, "maxAttempts": 3,
            "headers": {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}}}),
        ("enqueue_minimal", "Enqueue of an empty payload", {"correlationId": "22", "enqueue": {"item": {"tenant": "acme", "function": "f"}}}),
        ("enqueue_batch", "EnqueueBatch of three", {"correlationId": "23", "enqueueBatch": {"items": [
            {"tenant": "acme", "function": "f", "payload": b64(b"1")},
            {"tenant": "globex", "function": "f", "payload": b64(b"2"), "delayMs": "1000"},
            {"tenant": "acme", "function": "g", "headers": {"a": "1", "b": "2", "c": "3"}}]}}),
        ("enqueued", "Enqueued: one new job, one duplicate", {"correlationId": "23", "enqueued": {"jobs": [
            {"jobId": "01JD4Q8X5Z7K3M2N"}, {"jobId": "01JD4Q8X5Z7K3M2P", "duplicate": True}]}}),
        ("cancel", "Cancel", {"correlationId": "24", "cancel": {"jobId": "01JD4Q8X5Z7K3M2N"}}),
        ("cancelled", "Cancelled true", {"correlationId": "24", "cancelled": {"cancelled": True}}),
        ("cancelled_false", "Cancelled false: an empty message, still encoded",
         {"correlationId": "25", "cancelled": {}}),
        ("lookup", "Lookup", {"correlationId": "26", "lookup": {"jobId": "01JD4Q8X5Z7K3M2N"}}),
        ("watch", "Watch with a timeout", {"correlationId": "27", "watch": {"jobId": "01JD4Q8X5Z7K3M2N", "timeoutMs": "300"}}),
        ("job_status", "JobStatus with every field", {"correlationId": "27", "jobStatus": {
            "jobId": "01JD4Q8X5Z7K3M2N", "tenant": "acme", "function": "send-sms", "state": "DEAD",
            "attempts": 5, "maxAttempts": 5, "lastError": "invalid number", "runAtMs": "1764547100000",
            "enqueuedAtMs": "1764547100000", "finishedAtMs": "1764547200000",
            "concurrencyKeys": {"account": "a-17"}, "headers": {"traceparent": "00-abc-01"}}}),
        ("job_status_queued", "JobStatus of a queued job",
         {"correlationId": "28", "jobStatus": {"jobId": "j", "tenant": "t", "function": "f", "state": "QUEUED", "maxAttempts": 5}}),
    ],
    "edge": [
        ("empty_envelope", "an Envelope with nothing set: a zero-length frame", {}),
        ("max_correlation_id", "correlation_id 2^64-1: a 10-byte varint",
         {"correlationId": U64_MAX, "ping": {}}),
        ("max_uint32_fields", "uint32 fields at 2^32-1: 5-byte varints",
         {"correlationId": "1", "welcome": {"protocolVersion": U32_MAX, "maxFrameBytes": U32_MAX, "pingIntervalMs": U64_MAX}}),
        ("length_two_bytes", "a 200-byte payload: the frame length takes 2 bytes",
         {"correlationId": "1", "enqueue": {"item": {"tenant": "t", "function": "f", "payload": b64(bytes(range(200)))}}}),
        ("length_three_bytes", "a 16,400-byte payload: the frame length takes 3 bytes",
         {"correlationId": "1", "enqueue": {"item": {"tenant": "t", "function": "f", "payload": b64(bytes(i % 251 for i in range(16400)))}}}),
        ("unicode", "non-ASCII text is UTF-8",
         {"correlationId": "1", "error": {"code": "INVALID_REQUEST", "message": "tenant 'Zürich-東京' is not a valid name 🙂"}}),
        ("map_empty_key_value", "a map entry with an empty key and value: both are written inside the entry",
         {"credits": {"grants": {"": 0}}}),
        ("oneof_empty_messages", "Complete with an empty Success and every scalar at its default",
         {"complete": {"success": {}}}),
    ],
}


def frame_hex(envelope_json) -> str:
    env = json_format.ParseDict(envelope_json, pb.Envelope())
    return encode_frame(env).hex()


def raw_frame(body: bytes) -> str:
    return (encode_varint(len(body)) + body).hex()


# Frames a decoder must read as the description although an encoder would never write them so.
DECODE_ONLY = [
    ("unknown_field", "an unknown field (number 99, varint) beside a Ping: decoders skip it",
     {"correlationId": "5", "ping": {}}, bytes.fromhex("0805" "6200" "9806" "01")),
    ("map_reverse_order", "map entries in reverse key order decode to the same map",
     {"credits": {"grants": {"a": 1, "b": 2}}},
     bytes.fromhex("c201" "0e" "0a05" "0a0162" "1002" "0a05" "0a0161" "1001")),
    ("map_entry_without_value", "a map entry that omits its value: the value is the default",
     {"credits": {"grants": {"a": 0}}}, bytes.fromhex("c201" "05" "0a03" "0a0161")),
    ("non_minimal_varint", "a field varint written in more bytes than needed (correlation_id 1 as 81 80 00)",
     {"correlationId": "1", "ping": {}}, bytes.fromhex("088180" "00" "6200")),
]


def main():
    out = ROOT / "conformance" / "golden"
    out.mkdir(exist_ok=True)
    for group, cases in GROUPS.items():
        doc = {"cases": [{"name": n, "description": d, "envelope": e, "frame": frame_hex(e)}
                         for n, d, e in cases]}
        (out / f"{group}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    doc = {"cases": [{"name": n, "description": d, "envelope": e, "frame": raw_frame(body), "decodeOnly": True}
                     for n, d, e, body in DECODE_ONLY]}
    (out / "decode_only.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
