from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Cancel(_message.Message):
    __slots__ = ["reason"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class FieldViolation(_message.Message):
    __slots__ = ["description", "field"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    description: str
    field: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ["call_id", "cancel", "go_away", "ping", "pong", "request", "response"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    GO_AWAY_FIELD_NUMBER: _ClassVar[int]
    PING_FIELD_NUMBER: _ClassVar[int]
    PONG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    call_id: int
    cancel: Cancel
    go_away: GoAway
    ping: Ping
    pong: Pong
    request: Request
    response: Response
    def __init__(self, call_id: _Optional[int] = ..., request: _Optional[_Union[Request, _Mapping]] = ..., response: _Optional[_Union[Response, _Mapping]] = ..., cancel: _Optional[_Union[Cancel, _Mapping]] = ..., ping: _Optional[_Union[Ping, _Mapping]] = ..., pong: _Optional[_Union[Pong, _Mapping]] = ..., go_away: _Optional[_Union[GoAway, _Mapping]] = ...) -> None: ...

class GoAway(_message.Message):
    __slots__ = ["code", "last_call_id", "reason"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    code: int
    last_call_id: int
    reason: str
    def __init__(self, last_call_id: _Optional[int] = ..., reason: _Optional[str] = ..., code: _Optional[int] = ...) -> None: ...

class MetadataEntry(_message.Message):
    __slots__ = ["key", "value"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class Ping(_message.Message):
    __slots__ = ["nonce"]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    nonce: int
    def __init__(self, nonce: _Optional[int] = ...) -> None: ...

class Pong(_message.Message):
    __slots__ = ["nonce"]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    nonce: int
    def __init__(self, nonce: _Optional[int] = ...) -> None: ...

class Request(_message.Message):
    __slots__ = ["metadata", "method", "payload", "timeout_ms"]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    method: str
    payload: bytes
    timeout_ms: int
    def __init__(self, method: _Optional[str] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ..., timeout_ms: _Optional[int] = ..., payload: _Optional[bytes] = ...) -> None: ...

class Response(_message.Message):
    __slots__ = ["code", "conflicts", "field_violations", "message", "metadata", "payload", "retry_info"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    FIELD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    RETRY_INFO_FIELD_NUMBER: _ClassVar[int]
    code: int
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    field_violations: _containers.RepeatedCompositeFieldContainer[FieldViolation]
    message: str
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    payload: bytes
    retry_info: RetryInfo
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ..., field_violations: _Optional[_Iterable[_Union[FieldViolation, _Mapping]]] = ..., retry_info: _Optional[_Union[RetryInfo, _Mapping]] = ..., payload: _Optional[bytes] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ...) -> None: ...

class RetryInfo(_message.Message):
    __slots__ = ["retry_delay_ms"]
    RETRY_DELAY_MS_FIELD_NUMBER: _ClassVar[int]
    retry_delay_ms: int
    def __init__(self, retry_delay_ms: _Optional[int] = ...) -> None: ...
