from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ALERT_DELIVERY_STATE_DELIVERED: AlertDeliveryState
ALERT_DELIVERY_STATE_FAILED: AlertDeliveryState
ALERT_DELIVERY_STATE_PENDING: AlertDeliveryState
ALERT_DELIVERY_STATE_UNSPECIFIED: AlertDeliveryState
ALERT_KIND_DUE_BACKLOG: AlertKind
ALERT_KIND_OUTCOME_UNKNOWN: AlertKind
ALERT_KIND_PLATFORM_LIMIT: AlertKind
ALERT_KIND_SCHEDULE_FAILED: AlertKind
ALERT_KIND_UNSPECIFIED: AlertKind
DESCRIPTOR: _descriptor.FileDescriptor
SERVING_STATUS_NOT_SERVING: ServingStatus
SERVING_STATUS_SERVICE_UNKNOWN: ServingStatus
SERVING_STATUS_SERVING: ServingStatus
SERVING_STATUS_UNSPECIFIED: ServingStatus
SORT_FIELD_CREATED_AT: SortField
SORT_FIELD_PRIORITY: SortField
SORT_FIELD_SCHEDULED_FOR: SortField
SORT_FIELD_UNSPECIFIED: SortField
SORT_ORDER_ASC: SortOrder
SORT_ORDER_DESC: SortOrder
SORT_ORDER_UNSPECIFIED: SortOrder

class AcknowledgeRequest(_message.Message):
    __slots__ = ["items"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Acknowledgement]
    def __init__(self, items: _Optional[_Iterable[_Union[Acknowledgement, _Mapping]]] = ...) -> None: ...

class AcknowledgeResponse(_message.Message):
    __slots__ = ["results"]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[AcknowledgeResult]
    def __init__(self, results: _Optional[_Iterable[_Union[AcknowledgeResult, _Mapping]]] = ...) -> None: ...

class AcknowledgeResult(_message.Message):
    __slots__ = ["applied", "completed", "error", "failed"]
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    applied: bool
    completed: CompleteResponse
    error: ItemError
    failed: FailResponse
    def __init__(self, completed: _Optional[_Union[CompleteResponse, _Mapping]] = ..., failed: _Optional[_Union[FailResponse, _Mapping]] = ..., error: _Optional[_Union[ItemError, _Mapping]] = ..., applied: bool = ...) -> None: ...

class Acknowledgement(_message.Message):
    __slots__ = ["complete", "fail"]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    FAIL_FIELD_NUMBER: _ClassVar[int]
    complete: CompleteRequest
    fail: FailRequest
    def __init__(self, complete: _Optional[_Union[CompleteRequest, _Mapping]] = ..., fail: _Optional[_Union[FailRequest, _Mapping]] = ...) -> None: ...

class AlertRecord(_message.Message):
    __slots__ = ["attempts", "created_at_ms", "delivered_at_ms", "details_json", "id", "kind", "last_error", "message", "next_attempt_at_ms", "platform", "project_id", "schedule_id", "state"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_JSON_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    attempts: int
    created_at_ms: int
    delivered_at_ms: int
    details_json: str
    id: str
    kind: AlertKind
    last_error: str
    message: str
    next_attempt_at_ms: int
    platform: str
    project_id: str
    schedule_id: str
    state: AlertDeliveryState
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., kind: _Optional[_Union[AlertKind, str]] = ..., schedule_id: _Optional[str] = ..., platform: _Optional[str] = ..., message: _Optional[str] = ..., details_json: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., state: _Optional[_Union[AlertDeliveryState, str]] = ..., attempts: _Optional[int] = ..., next_attempt_at_ms: _Optional[int] = ..., delivered_at_ms: _Optional[int] = ..., last_error: _Optional[str] = ...) -> None: ...

class BatchCancelRequest(_message.Message):
    __slots__ = ["project_id", "reason", "schedule_ids"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_IDS_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    reason: str
    schedule_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, project_id: _Optional[str] = ..., schedule_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class BatchCancelResponse(_message.Message):
    __slots__ = ["affected", "skipped_ids"]
    AFFECTED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_IDS_FIELD_NUMBER: _ClassVar[int]
    affected: int
    skipped_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, affected: _Optional[int] = ..., skipped_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchPauseRequest(_message.Message):
    __slots__ = ["project_id", "schedule_ids"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_IDS_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    schedule_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, project_id: _Optional[str] = ..., schedule_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchPauseResponse(_message.Message):
    __slots__ = ["affected", "skipped_ids"]
    AFFECTED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_IDS_FIELD_NUMBER: _ClassVar[int]
    affected: int
    skipped_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, affected: _Optional[int] = ..., skipped_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchResumeRequest(_message.Message):
    __slots__ = ["project_id", "schedule_ids"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_IDS_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    schedule_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, project_id: _Optional[str] = ..., schedule_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchResumeResponse(_message.Message):
    __slots__ = ["affected", "skipped_ids"]
    AFFECTED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_IDS_FIELD_NUMBER: _ClassVar[int]
    affected: int
    skipped_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, affected: _Optional[int] = ..., skipped_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CancelRequest(_message.Message):
    __slots__ = ["project_id", "reason", "schedule_id"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    reason: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class CompleteRequest(_message.Message):
    __slots__ = ["lease_token", "project_id", "published_at_ms", "results", "schedule_id"]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    lease_token: str
    project_id: str
    published_at_ms: int
    results: _containers.RepeatedCompositeFieldContainer[_types_pb2.PlatformResult]
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., results: _Optional[_Iterable[_Union[_types_pb2.PlatformResult, _Mapping]]] = ..., published_at_ms: _Optional[int] = ...) -> None: ...

class CompleteResponse(_message.Message):
    __slots__ = ["next_occurrence", "schedule"]
    NEXT_OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    next_occurrence: _types_pb2.Schedule
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., next_occurrence: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class ConfirmOutcomeRequest(_message.Message):
    __slots__ = ["note", "project_id", "published", "published_at_ms", "results", "schedule_id"]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    note: str
    project_id: str
    published: bool
    published_at_ms: int
    results: _containers.RepeatedCompositeFieldContainer[_types_pb2.PlatformResult]
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., published: bool = ..., results: _Optional[_Iterable[_Union[_types_pb2.PlatformResult, _Mapping]]] = ..., published_at_ms: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class ConfirmOutcomeResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class DequeueRequest(_message.Message):
    __slots__ = ["acknowledge", "brief_acknowledgements", "lease_seconds", "limit", "project_id", "start", "worker_id"]
    ACKNOWLEDGE_FIELD_NUMBER: _ClassVar[int]
    BRIEF_ACKNOWLEDGEMENTS_FIELD_NUMBER: _ClassVar[int]
    LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    acknowledge: _containers.RepeatedCompositeFieldContainer[Acknowledgement]
    brief_acknowledgements: bool
    lease_seconds: int
    limit: int
    project_id: str
    start: bool
    worker_id: str
    def __init__(self, project_id: _Optional[str] = ..., limit: _Optional[int] = ..., lease_seconds: _Optional[int] = ..., worker_id: _Optional[str] = ..., start: bool = ..., acknowledge: _Optional[_Iterable[_Union[Acknowledgement, _Mapping]]] = ..., brief_acknowledgements: bool = ...) -> None: ...

class DequeueResponse(_message.Message):
    __slots__ = ["acknowledged", "items"]
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    acknowledged: _containers.RepeatedCompositeFieldContainer[AcknowledgeResult]
    items: _containers.RepeatedCompositeFieldContainer[DequeuedItem]
    def __init__(self, items: _Optional[_Iterable[_Union[DequeuedItem, _Mapping]]] = ..., acknowledged: _Optional[_Iterable[_Union[AcknowledgeResult, _Mapping]]] = ...) -> None: ...

class DequeuedItem(_message.Message):
    __slots__ = ["attempt", "attempt_idempotency_key", "lease_expires_at_ms", "lease_token", "schedule"]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    attempt: int
    attempt_idempotency_key: str
    lease_expires_at_ms: int
    lease_token: str
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., lease_token: _Optional[str] = ..., lease_expires_at_ms: _Optional[int] = ..., attempt_idempotency_key: _Optional[str] = ..., attempt: _Optional[int] = ...) -> None: ...

class EnqueueBatchRequest(_message.Message):
    __slots__ = ["items"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[EnqueueRequest]
    def __init__(self, items: _Optional[_Iterable[_Union[EnqueueRequest, _Mapping]]] = ...) -> None: ...

class EnqueueBatchResponse(_message.Message):
    __slots__ = ["results"]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[EnqueueBatchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[EnqueueBatchResult, _Mapping]]] = ...) -> None: ...

class EnqueueBatchResult(_message.Message):
    __slots__ = ["created", "error"]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    created: EnqueueResponse
    error: ItemError
    def __init__(self, created: _Optional[_Union[EnqueueResponse, _Mapping]] = ..., error: _Optional[_Union[ItemError, _Mapping]] = ...) -> None: ...

class EnqueueRequest(_message.Message):
    __slots__ = ["auto_resolve", "content_id", "idempotency_key", "lease_loss_policy", "local_time", "max_retries", "metadata_json", "notes", "platforms", "priority", "project_id", "publish_delay_seconds", "recurrence", "recurring_until_ms", "retry_delay_seconds", "scheduled_for_ms", "timezone"]
    AUTO_RESOLVE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    LEASE_LOSS_POLICY_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_DELAY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    RECURRING_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    RETRY_DELAY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    auto_resolve: bool
    content_id: str
    idempotency_key: str
    lease_loss_policy: _types_pb2.LeaseLossPolicy
    local_time: str
    max_retries: _types_pb2.Int32Value
    metadata_json: str
    notes: str
    platforms: _containers.RepeatedScalarFieldContainer[str]
    priority: int
    project_id: str
    publish_delay_seconds: int
    recurrence: _types_pb2.Recurrence
    recurring_until_ms: int
    retry_delay_seconds: _types_pb2.Int32Value
    scheduled_for_ms: int
    timezone: str
    def __init__(self, project_id: _Optional[str] = ..., content_id: _Optional[str] = ..., local_time: _Optional[str] = ..., timezone: _Optional[str] = ..., scheduled_for_ms: _Optional[int] = ..., platforms: _Optional[_Iterable[str]] = ..., priority: _Optional[int] = ..., recurrence: _Optional[_Union[_types_pb2.Recurrence, _Mapping]] = ..., recurring_until_ms: _Optional[int] = ..., publish_delay_seconds: _Optional[int] = ..., max_retries: _Optional[_Union[_types_pb2.Int32Value, _Mapping]] = ..., retry_delay_seconds: _Optional[_Union[_types_pb2.Int32Value, _Mapping]] = ..., notes: _Optional[str] = ..., metadata_json: _Optional[str] = ..., auto_resolve: bool = ..., idempotency_key: _Optional[str] = ..., lease_loss_policy: _Optional[_Union[_types_pb2.LeaseLossPolicy, str]] = ...) -> None: ...

class EnqueueResponse(_message.Message):
    __slots__ = ["adjusted", "adjusted_time_ms", "conflicts", "original_time_ms", "past_due", "schedule", "warning"]
    ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    adjusted: bool
    adjusted_time_ms: int
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    original_time_ms: int
    past_due: bool
    schedule: _types_pb2.Schedule
    warning: str
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., adjusted: bool = ..., original_time_ms: _Optional[int] = ..., adjusted_time_ms: _Optional[int] = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ..., warning: _Optional[str] = ..., past_due: bool = ...) -> None: ...

class FailRequest(_message.Message):
    __slots__ = ["error", "lease_token", "project_id", "results", "retryable", "schedule_id"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    error: str
    lease_token: str
    project_id: str
    results: _containers.RepeatedCompositeFieldContainer[_types_pb2.PlatformResult]
    retryable: bool
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., error: _Optional[str] = ..., retryable: bool = ..., results: _Optional[_Iterable[_Union[_types_pb2.PlatformResult, _Mapping]]] = ...) -> None: ...

class FailResponse(_message.Message):
    __slots__ = ["next_attempt_at_ms", "schedule", "will_retry"]
    NEXT_ATTEMPT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    WILL_RETRY_FIELD_NUMBER: _ClassVar[int]
    next_attempt_at_ms: int
    schedule: _types_pb2.Schedule
    will_retry: bool
    def __init__(self, will_retry: bool = ..., next_attempt_at_ms: _Optional[int] = ..., schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ["include_content_body", "project_id", "schedule_id"]
    INCLUDE_CONTENT_BODY_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    include_content_body: bool
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., include_content_body: bool = ...) -> None: ...

class GetResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class HealthRequest(_message.Message):
    __slots__ = ["service"]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    service: str
    def __init__(self, service: _Optional[str] = ...) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ["status"]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: ServingStatus
    def __init__(self, status: _Optional[_Union[ServingStatus, str]] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ["extend_seconds", "lease_token", "project_id", "schedule_id"]
    EXTEND_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    extend_seconds: int
    lease_token: str
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., extend_seconds: _Optional[int] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ["lease_expires_at_ms"]
    LEASE_EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    lease_expires_at_ms: int
    def __init__(self, lease_expires_at_ms: _Optional[int] = ...) -> None: ...

class ItemError(_message.Message):
    __slots__ = ["code", "conflicts", "field", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    field: str
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., field: _Optional[str] = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ["limit", "project_id"]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    limit: int
    project_id: str
    def __init__(self, project_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ["alerts"]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[AlertRecord]
    def __init__(self, alerts: _Optional[_Iterable[_Union[AlertRecord, _Mapping]]] = ...) -> None: ...

class ListConflictsRequest(_message.Message):
    __slots__ = ["from_ms", "include_resolved", "limit", "page", "project_id", "schedule_id", "to_ms"]
    FROM_MS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TO_MS_FIELD_NUMBER: _ClassVar[int]
    from_ms: int
    include_resolved: bool
    limit: int
    page: int
    project_id: str
    schedule_id: str
    to_ms: int
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., include_resolved: bool = ..., from_ms: _Optional[int] = ..., to_ms: _Optional[int] = ..., page: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ListConflictsResponse(_message.Message):
    __slots__ = ["conflicts", "pagination"]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.StoredConflict]
    pagination: _types_pb2.Pagination
    def __init__(self, conflicts: _Optional[_Iterable[_Union[_types_pb2.StoredConflict, _Mapping]]] = ..., pagination: _Optional[_Union[_types_pb2.Pagination, _Mapping]] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ["from_ms", "limit", "page", "platform", "project_id", "sort_by", "sort_order", "status", "to_ms"]
    FROM_MS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SORT_BY_FIELD_NUMBER: _ClassVar[int]
    SORT_ORDER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_MS_FIELD_NUMBER: _ClassVar[int]
    from_ms: int
    limit: int
    page: int
    platform: str
    project_id: str
    sort_by: SortField
    sort_order: SortOrder
    status: _types_pb2.QueueStatus
    to_ms: int
    def __init__(self, project_id: _Optional[str] = ..., status: _Optional[_Union[_types_pb2.QueueStatus, str]] = ..., from_ms: _Optional[int] = ..., to_ms: _Optional[int] = ..., platform: _Optional[str] = ..., page: _Optional[int] = ..., limit: _Optional[int] = ..., sort_by: _Optional[_Union[SortField, str]] = ..., sort_order: _Optional[_Union[SortOrder, str]] = ...) -> None: ...

class ListResponse(_message.Message):
    __slots__ = ["items", "pagination"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_types_pb2.Schedule]
    pagination: _types_pb2.Pagination
    def __init__(self, items: _Optional[_Iterable[_Union[_types_pb2.Schedule, _Mapping]]] = ..., pagination: _Optional[_Union[_types_pb2.Pagination, _Mapping]] = ...) -> None: ...

class Occurrence(_message.Message):
    __slots__ = ["abbreviation", "at_ms", "local_time", "utc_offset_seconds"]
    ABBREVIATION_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    UTC_OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    abbreviation: str
    at_ms: int
    local_time: str
    utc_offset_seconds: int
    def __init__(self, at_ms: _Optional[int] = ..., local_time: _Optional[str] = ..., utc_offset_seconds: _Optional[int] = ..., abbreviation: _Optional[str] = ...) -> None: ...

class PauseRequest(_message.Message):
    __slots__ = ["project_id", "schedule_id"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ...) -> None: ...

class PauseResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class PreviewOccurrencesRequest(_message.Message):
    __slots__ = ["after_ms", "count", "recurrence", "start_local_time", "timezone", "until_ms"]
    AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    START_LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    after_ms: int
    count: int
    recurrence: _types_pb2.Recurrence
    start_local_time: str
    timezone: str
    until_ms: int
    def __init__(self, recurrence: _Optional[_Union[_types_pb2.Recurrence, _Mapping]] = ..., start_local_time: _Optional[str] = ..., timezone: _Optional[str] = ..., after_ms: _Optional[int] = ..., count: _Optional[int] = ..., until_ms: _Optional[int] = ...) -> None: ...

class PreviewOccurrencesResponse(_message.Message):
    __slots__ = ["occurrences"]
    OCCURRENCES_FIELD_NUMBER: _ClassVar[int]
    occurrences: _containers.RepeatedCompositeFieldContainer[Occurrence]
    def __init__(self, occurrences: _Optional[_Iterable[_Union[Occurrence, _Mapping]]] = ...) -> None: ...

class PublishNowRequest(_message.Message):
    __slots__ = ["project_id", "schedule_id"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ...) -> None: ...

class PublishNowResponse(_message.Message):
    __slots__ = ["message", "schedule"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    message: str
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class RescheduleRequest(_message.Message):
    __slots__ = ["auto_resolve", "local_time", "project_id", "schedule_id", "scheduled_for_ms", "timezone"]
    AUTO_RESOLVE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    auto_resolve: bool
    local_time: str
    project_id: str
    schedule_id: str
    scheduled_for_ms: int
    timezone: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., local_time: _Optional[str] = ..., timezone: _Optional[str] = ..., scheduled_for_ms: _Optional[int] = ..., auto_resolve: bool = ...) -> None: ...

class RescheduleResponse(_message.Message):
    __slots__ = ["adjusted", "adjusted_time_ms", "conflicts", "original_time_ms", "past_due", "schedule", "warning"]
    ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    adjusted: bool
    adjusted_time_ms: int
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    original_time_ms: int
    past_due: bool
    schedule: _types_pb2.Schedule
    warning: str
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., adjusted: bool = ..., original_time_ms: _Optional[int] = ..., adjusted_time_ms: _Optional[int] = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ..., warning: _Optional[str] = ..., past_due: bool = ...) -> None: ...

class ResolveConflictRequest(_message.Message):
    __slots__ = ["conflict_id", "project_id", "resolution", "resolved_by"]
    CONFLICT_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    conflict_id: str
    project_id: str
    resolution: str
    resolved_by: str
    def __init__(self, project_id: _Optional[str] = ..., conflict_id: _Optional[str] = ..., resolution: _Optional[str] = ..., resolved_by: _Optional[str] = ...) -> None: ...

class ResolveConflictResponse(_message.Message):
    __slots__ = ["conflict"]
    CONFLICT_FIELD_NUMBER: _ClassVar[int]
    conflict: _types_pb2.StoredConflict
    def __init__(self, conflict: _Optional[_Union[_types_pb2.StoredConflict, _Mapping]] = ...) -> None: ...

class ResumeRequest(_message.Message):
    __slots__ = ["project_id", "schedule_id"]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ...) -> None: ...

class ResumeResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class StartRequest(_message.Message):
    __slots__ = ["lease_token", "project_id", "schedule_id"]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    lease_token: str
    project_id: str
    schedule_id: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., lease_token: _Optional[str] = ...) -> None: ...

class StartResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ...) -> None: ...

class StatsRequest(_message.Message):
    __slots__ = ["by_platform", "from_ms", "project_id", "to_ms"]
    BY_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    FROM_MS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TO_MS_FIELD_NUMBER: _ClassVar[int]
    by_platform: bool
    from_ms: int
    project_id: str
    to_ms: int
    def __init__(self, project_id: _Optional[str] = ..., from_ms: _Optional[int] = ..., to_ms: _Optional[int] = ..., by_platform: bool = ...) -> None: ...

class StatsResponse(_message.Message):
    __slots__ = ["max_pending_schedules", "metrics", "pending_schedules", "platforms", "stats"]
    MAX_PENDING_SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    PENDING_SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    max_pending_schedules: int
    metrics: _containers.RepeatedCompositeFieldContainer[_types_pb2.QueueMetrics]
    pending_schedules: int
    platforms: _containers.RepeatedCompositeFieldContainer[_types_pb2.PlatformQueueCounts]
    stats: _types_pb2.QueueStats
    def __init__(self, stats: _Optional[_Union[_types_pb2.QueueStats, _Mapping]] = ..., metrics: _Optional[_Iterable[_Union[_types_pb2.QueueMetrics, _Mapping]]] = ..., pending_schedules: _Optional[int] = ..., max_pending_schedules: _Optional[int] = ..., platforms: _Optional[_Iterable[_Union[_types_pb2.PlatformQueueCounts, _Mapping]]] = ...) -> None: ...

class UpdateRequest(_message.Message):
    __slots__ = ["auto_resolve", "lease_loss_policy", "local_time", "metadata_json", "notes", "platforms", "priority", "project_id", "schedule_id", "scheduled_for_ms", "timezone"]
    AUTO_RESOLVE_FIELD_NUMBER: _ClassVar[int]
    LEASE_LOSS_POLICY_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    auto_resolve: bool
    lease_loss_policy: _types_pb2.LeaseLossPolicy
    local_time: _types_pb2.StringValue
    metadata_json: _types_pb2.StringValue
    notes: _types_pb2.StringValue
    platforms: _types_pb2.StringList
    priority: _types_pb2.Int32Value
    project_id: str
    schedule_id: str
    scheduled_for_ms: _types_pb2.Int64Value
    timezone: _types_pb2.StringValue
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., local_time: _Optional[_Union[_types_pb2.StringValue, _Mapping]] = ..., timezone: _Optional[_Union[_types_pb2.StringValue, _Mapping]] = ..., scheduled_for_ms: _Optional[_Union[_types_pb2.Int64Value, _Mapping]] = ..., platforms: _Optional[_Union[_types_pb2.StringList, _Mapping]] = ..., priority: _Optional[_Union[_types_pb2.Int32Value, _Mapping]] = ..., notes: _Optional[_Union[_types_pb2.StringValue, _Mapping]] = ..., metadata_json: _Optional[_Union[_types_pb2.StringValue, _Mapping]] = ..., auto_resolve: bool = ..., lease_loss_policy: _Optional[_Union[_types_pb2.LeaseLossPolicy, str]] = ...) -> None: ...

class UpdateResponse(_message.Message):
    __slots__ = ["adjusted", "adjusted_time_ms", "conflicts", "original_time_ms", "past_due", "schedule"]
    ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    adjusted: bool
    adjusted_time_ms: int
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    original_time_ms: int
    past_due: bool
    schedule: _types_pb2.Schedule
    def __init__(self, schedule: _Optional[_Union[_types_pb2.Schedule, _Mapping]] = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ..., adjusted: bool = ..., original_time_ms: _Optional[int] = ..., adjusted_time_ms: _Optional[int] = ..., past_due: bool = ...) -> None: ...

class ValidateRequest(_message.Message):
    __slots__ = ["auto_resolve", "local_time", "platforms", "project_id", "recurrence", "schedule_id", "scheduled_for_ms", "timezone"]
    AUTO_RESOLVE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    auto_resolve: bool
    local_time: str
    platforms: _containers.RepeatedScalarFieldContainer[str]
    project_id: str
    recurrence: _types_pb2.Recurrence
    schedule_id: str
    scheduled_for_ms: int
    timezone: str
    def __init__(self, project_id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., local_time: _Optional[str] = ..., timezone: _Optional[str] = ..., scheduled_for_ms: _Optional[int] = ..., platforms: _Optional[_Iterable[str]] = ..., recurrence: _Optional[_Union[_types_pb2.Recurrence, _Mapping]] = ..., auto_resolve: bool = ...) -> None: ...

class ValidateResponse(_message.Message):
    __slots__ = ["conflicts", "has_conflict", "platforms", "scheduled_for_ms", "suggested_time_ms", "valid"]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    HAS_CONFLICT_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    conflicts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Conflict]
    has_conflict: bool
    platforms: _containers.RepeatedScalarFieldContainer[str]
    scheduled_for_ms: int
    suggested_time_ms: int
    valid: bool
    def __init__(self, valid: bool = ..., has_conflict: bool = ..., conflicts: _Optional[_Iterable[_Union[_types_pb2.Conflict, _Mapping]]] = ..., suggested_time_ms: _Optional[int] = ..., scheduled_for_ms: _Optional[int] = ..., platforms: _Optional[_Iterable[str]] = ...) -> None: ...

class SortField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SortOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ServingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AlertKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AlertDeliveryState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
