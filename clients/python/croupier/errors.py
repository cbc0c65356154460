"""The typed error every client call raises: a protocol error code and a message."""

#: Codes of the protocol's ``ErrorCode`` enum, plus ``CONNECTION_LOST`` (a client-side code: the
#: connection closed, or could not be opened, before the reply came).
CODES = (
    "BAD_FRAME", "FRAME_TOO_LARGE", "UNKNOWN_MESSAGE", "UNSUPPORTED_VERSION", "UNAUTHENTICATED",
    "PERMISSION_DENIED", "INVALID_REQUEST", "NOT_FOUND", "CONFLICT", "TIMEOUT", "UNAVAILABLE",
    "SHUTTING_DOWN", "SLOW_CONSUMER", "INTERNAL", "RESOURCE_EXHAUSTED",
)
CONNECTION_LOST = "CONNECTION_LOST"

#: Codes after which a request may be sent again (proto/README.md, "Retrying requests").
RETRYABLE = frozenset({CONNECTION_LOST, "TIMEOUT", "UNAVAILABLE", "RESOURCE_EXHAUSTED", "SHUTTING_DOWN"})


class CroupierError(Exception):
    """A request failed. ``code`` is the protocol's error code name (e.g. ``"PERMISSION_DENIED"``)
    or ``"CONNECTION_LOST"``; programs branch on it, ``message`` is for humans."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE
