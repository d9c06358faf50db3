"""Status codes and the error every failed call raises."""

from __future__ import annotations

from typing import List, Optional, Sequence

# gRPC's canonical codes (docs/PROTOCOL.md section 10); a code outside 0-16 is UNKNOWN.
CODE_NAMES = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)


def code_name(code: int) -> str:
    """The status name of a numeric code ("INVALID_ARGUMENT" for 3; "UNKNOWN" when out of range)."""
    return CODE_NAMES[code] if 0 <= code < len(CODE_NAMES) else "UNKNOWN"


class SchedulerError(Exception):
    """A call that ended with an error status.

    * ``code``: the status name, e.g. ``"INVALID_ARGUMENT"`` (``code_number`` is the number);
    * ``message``: the server's (or the client's) message;
    * ``field``: the first invalid field's path, e.g. ``"enqueue.platforms[1]"``, or None;
    * ``field_violations``: every ``FieldViolation`` of the response;
    * ``conflicts``: the ``Conflict`` messages that refused an Enqueue, Update or Reschedule;
    * ``retry_delay``: seconds to wait before retrying (from ``retry_info``), or None.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field_violations: Sequence = (),
        conflicts: Sequence = (),
        retry_delay: Optional[float] = None,
        metadata: Sequence = (),
        not_sent: bool = False,
        retryable: bool = True,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field_violations: List = list(field_violations)
        self.conflicts: List = list(conflicts)
        self.retry_delay = retry_delay
        self.metadata: List = list(metadata)
        # True when the server certainly never processed the call (not written to a connection,
        # or later than a go-away's last_call_id): always safe to send again.
        self.not_sent = not_sent
        # False for failures a retry cannot fix (certificate verification, ALPN refused).
        self._retryable = retryable

    @property
    def code_number(self) -> int:
        return CODE_NAMES.index(self.code) if self.code in CODE_NAMES else 2

    @property
    def field(self) -> Optional[str]:
        return self.field_violations[0].field if self.field_violations else None

    @classmethod
    def from_response(cls, response) -> "SchedulerError":
        """The error a non-OK ``scheduler.v1.Response`` describes."""
        delay = None
        if response.HasField("retry_info") and response.retry_info.retry_delay_ms:
            delay = response.retry_info.retry_delay_ms / 1000.0
        return cls(
            code_name(response.code),
            response.message,
            field_violations=response.field_violations,
            conflicts=response.conflicts,
            retry_delay=delay,
            metadata=response.metadata,
        )

    def __repr__(self) -> str:
        return f"SchedulerError(code={self.code!r}, message={self.message!r}, field={self.field!r})"
