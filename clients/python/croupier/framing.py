"""Frames: a varint32 length, then that many bytes of a serialized ``Envelope``.

This is protobuf's "delimited" format. Envelopes are serialized deterministically (map entries in
key order), so the same message always gives the same bytes (the golden frames rely on it).
"""

from ._proto import pb
from .errors import CroupierError

MAX_VARINT32_BYTES = 5


def encode_varint(value: int) -> bytes:
    """The base-128 varint of a non-negative integer."""
    if value < 0:
        raise ValueError(f"a varint length cannot be negative: {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint32(data, start: int = 0):
    """(value, next index) of the varint32 at ``start``; (None, start) when more bytes are needed.
    Raises ``CroupierError(BAD_FRAME)`` for a malformed or out-of-range length."""
    result = 0
    for i in range(MAX_VARINT32_BYTES):
        if start + i >= len(data):
            return None, start
        b = data[start + i]
        result |= (b & 0x7F) << (7 * i)
        if b < 0x80:
            if result > 0x7FFFFFFF:
                raise CroupierError("BAD_FRAME", f"frame length {result} is out of range")
            return result, start + i + 1
    raise CroupierError("BAD_FRAME", "malformed frame length prefix (more than 5 bytes)")


def serialize(envelope) -> bytes:
    """The envelope's bytes, map entries in key order."""
    return envelope.SerializeToString(deterministic=True)


def encode_frame(envelope) -> bytes:
    """The frame carrying ``envelope``: its length as a varint, then its bytes."""
    body = serialize(envelope)
    return encode_varint(len(body)) + body


def decode_frame(data: bytes):
    """The envelope in one complete frame (and nothing after it)."""
    length, pos = decode_varint32(data)
    if length is None or len(data) - pos < length:
        raise CroupierError("BAD_FRAME", "incomplete frame")
    if len(data) - pos > length:
        raise CroupierError("BAD_FRAME", f"{len(data) - pos - length} bytes after the frame")
    return parse_envelope(data[pos:pos + length])


def parse_envelope(body: bytes):
    env = pb.Envelope()
    try:
        env.ParseFromString(bytes(body))
    except Exception as e:  # DecodeError, and the C++ runtime's RuntimeWarning cases
        raise CroupierError("BAD_FRAME", f"not a valid Envelope: {e}") from e
    return env


class FrameReader:
    """Reads frames from a stream, refusing any longer than ``max_frame_bytes`` before reading
    its body. ``read_some`` is a callable returning the next bytes (b"" at the end)."""

    def __init__(self, read_some, max_frame_bytes: int):
        if max_frame_bytes <= 0:
            raise ValueError(f"max_frame_bytes must be positive: {max_frame_bytes}")
        self._read_some = read_some
        self._max = max_frame_bytes
        self._buf = bytearray()

    def read(self):
        """The next envelope, or None when the stream ended cleanly between frames."""
        while True:
            length, pos = decode_varint32(self._buf)
            if length is not None:
                if length > self._max:
                    raise CroupierError(
                        "FRAME_TOO_LARGE",
                        f"the node sent a frame of {length} bytes, over this client's maximum of {self._max}")
                if len(self._buf) - pos >= length:
                    body = bytes(self._buf[pos:pos + length])
                    del self._buf[:pos + length]
                    return parse_envelope(body)
            chunk = self._read_some()
            if not chunk:
                if self._buf:
                    raise CroupierError("CONNECTION_LOST", "the stream ended inside a frame")
                return None
            self._buf += chunk
