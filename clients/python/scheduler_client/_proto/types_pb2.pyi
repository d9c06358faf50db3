from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ATTEMPT_OUTCOME_FAILED: AttemptOutcome
ATTEMPT_OUTCOME_IN_PROGRESS: AttemptOutcome
ATTEMPT_OUTCOME_LEASE_EXPIRED: AttemptOutcome
ATTEMPT_OUTCOME_OUTCOME_UNKNOWN: AttemptOutcome
ATTEMPT_OUTCOME_SUCCEEDED: AttemptOutcome
ATTEMPT_OUTCOME_UNSPECIFIED: AttemptOutcome
CONFLICT_SEVERITY_CRITICAL: ConflictSeverity
CONFLICT_SEVERITY_ERROR: ConflictSeverity
CONFLICT_SEVERITY_INFO: ConflictSeverity
CONFLICT_SEVERITY_UNSPECIFIED: ConflictSeverity
CONFLICT_SEVERITY_WARNING: ConflictSeverity
CONFLICT_TYPE_CUSTOM: ConflictType
CONFLICT_TYPE_RATE_LIMIT: ConflictType
CONFLICT_TYPE_RESOURCE: ConflictType
CONFLICT_TYPE_SAME_TIME: ConflictType
CONFLICT_TYPE_UNSPECIFIED: ConflictType
DESCRIPTOR: _descriptor.FileDescriptor
LEASE_LOSS_POLICY_HOLD: LeaseLossPolicy
LEASE_LOSS_POLICY_RETRY: LeaseLossPolicy
LEASE_LOSS_POLICY_UNSPECIFIED: LeaseLossPolicy
QUEUE_STATUS_CANCELLED: QueueStatus
QUEUE_STATUS_COMPLETED: QueueStatus
QUEUE_STATUS_FAILED: QueueStatus
QUEUE_STATUS_PAUSED: QueueStatus
QUEUE_STATUS_PENDING: QueueStatus
QUEUE_STATUS_PROCESSING: QueueStatus
QUEUE_STATUS_QUEUED: QueueStatus
QUEUE_STATUS_UNSPECIFIED: QueueStatus
RECURRENCE_PATTERN_DAILY: RecurrencePattern
RECURRENCE_PATTERN_MONTHLY: RecurrencePattern
RECURRENCE_PATTERN_UNSPECIFIED: RecurrencePattern
RECURRENCE_PATTERN_WEEKLY: RecurrencePattern
SCHEDULE_STATUS_ACTIVE: ScheduleStatus
SCHEDULE_STATUS_CANCELLED: ScheduleStatus
SCHEDULE_STATUS_EXPIRED: ScheduleStatus
SCHEDULE_STATUS_FAILED: ScheduleStatus
SCHEDULE_STATUS_PUBLISHED: ScheduleStatus
SCHEDULE_STATUS_SCHEDULED: ScheduleStatus
SCHEDULE_STATUS_SKIPPED: ScheduleStatus
SCHEDULE_STATUS_UNSPECIFIED: ScheduleStatus

class Attempt(_message.Message):
    __slots__ = ["confirmation", "ended_at_ms", "error", "idempotency_key", "number", "outcome", "started_at_ms", "worker_id"]
    CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    confirmation: AttemptConfirmation
    ended_at_ms: int
    error: str
    idempotency_key: str
    number: int
    outcome: AttemptOutcome
    started_at_ms: int
    worker_id: str
    def __init__(self, number: _Optional[int] = ..., started_at_ms: _Optional[int] = ..., ended_at_ms: _Optional[int] = ..., worker_id: _Optional[str] = ..., outcome: _Optional[_Union[AttemptOutcome, str]] = ..., error: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., confirmation: _Optional[_Union[AttemptConfirmation, _Mapping]] = ...) -> None: ...

class AttemptConfirmation(_message.Message):
    __slots__ = ["confirmed_at_ms", "confirmed_by", "note", "published"]
    CONFIRMED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    confirmed_at_ms: int
    confirmed_by: str
    note: str
    published: bool
    def __init__(self, published: bool = ..., confirmed_at_ms: _Optional[int] = ..., confirmed_by: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class Conflict(_message.Message):
    __slots__ = ["conflict_time_ms", "conflicting_schedule_id", "platform", "reason", "severity", "suggested_time_ms", "suggestion", "type"]
    CONFLICTING_SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    conflict_time_ms: int
    conflicting_schedule_id: str
    platform: str
    reason: str
    severity: ConflictSeverity
    suggested_time_ms: int
    suggestion: str
    type: ConflictType
    def __init__(self, type: _Optional[_Union[ConflictType, str]] = ..., severity: _Optional[_Union[ConflictSeverity, str]] = ..., reason: _Optional[str] = ..., suggestion: _Optional[str] = ..., conflicting_schedule_id: _Optional[str] = ..., platform: _Optional[str] = ..., conflict_time_ms: _Optional[int] = ..., suggested_time_ms: _Optional[int] = ...) -> None: ...

class ContentSummary(_message.Message):
    __slots__ = ["body", "excerpt", "id", "status", "title"]
    BODY_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    body: str
    excerpt: str
    id: str
    status: str
    title: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., excerpt: _Optional[str] = ..., body: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class DoubleValue(_message.Message):
    __slots__ = ["value"]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: float
    def __init__(self, value: _Optional[float] = ...) -> None: ...

class Int32Value(_message.Message):
    __slots__ = ["value"]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: int
    def __init__(self, value: _Optional[int] = ...) -> None: ...

class Int64Value(_message.Message):
    __slots__ = ["value"]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: int
    def __init__(self, value: _Optional[int] = ...) -> None: ...

class Lease(_message.Message):
    __slots__ = ["expires_at_ms", "owner", "token"]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    expires_at_ms: int
    owner: str
    token: str
    def __init__(self, owner: _Optional[str] = ..., token: _Optional[str] = ..., expires_at_ms: _Optional[int] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ["limit", "page", "total", "total_pages"]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAGES_FIELD_NUMBER: _ClassVar[int]
    limit: int
    page: int
    total: int
    total_pages: int
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., total: _Optional[int] = ..., total_pages: _Optional[int] = ...) -> None: ...

class PlatformQueueCounts(_message.Message):
    __slots__ = ["cancelled", "completed", "failed", "paused", "pending", "platform", "processing", "queued"]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    cancelled: int
    completed: int
    failed: int
    paused: int
    pending: int
    platform: str
    processing: int
    queued: int
    def __init__(self, platform: _Optional[str] = ..., pending: _Optional[int] = ..., queued: _Optional[int] = ..., processing: _Optional[int] = ..., completed: _Optional[int] = ..., failed: _Optional[int] = ..., cancelled: _Optional[int] = ..., paused: _Optional[int] = ...) -> None: ...

class PlatformResult(_message.Message):
    __slots__ = ["error", "platform", "published_url", "success"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_URL_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    error: str
    platform: str
    published_url: str
    success: bool
    def __init__(self, platform: _Optional[str] = ..., success: bool = ..., published_url: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class QueueMetrics(_message.Message):
    __slots__ = ["avg_processing_seconds", "avg_wait_seconds", "id", "peak_queue_length", "period_end_ms", "period_start_ms", "project_id", "success_rate", "total_cancelled", "total_completed", "total_failed", "total_processed", "total_queued"]
    AVG_PROCESSING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    AVG_WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PEAK_QUEUE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_MS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_MS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FAILED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_QUEUED_FIELD_NUMBER: _ClassVar[int]
    avg_processing_seconds: DoubleValue
    avg_wait_seconds: DoubleValue
    id: str
    peak_queue_length: int
    period_end_ms: int
    period_start_ms: int
    project_id: str
    success_rate: DoubleValue
    total_cancelled: int
    total_completed: int
    total_failed: int
    total_processed: int
    total_queued: int
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., period_start_ms: _Optional[int] = ..., period_end_ms: _Optional[int] = ..., total_queued: _Optional[int] = ..., total_processed: _Optional[int] = ..., total_completed: _Optional[int] = ..., total_failed: _Optional[int] = ..., total_cancelled: _Optional[int] = ..., avg_wait_seconds: _Optional[_Union[DoubleValue, _Mapping]] = ..., avg_processing_seconds: _Optional[_Union[DoubleValue, _Mapping]] = ..., peak_queue_length: _Optional[int] = ..., success_rate: _Optional[_Union[DoubleValue, _Mapping]] = ...) -> None: ...

class QueueStats(_message.Message):
    __slots__ = ["avg_processing_seconds", "avg_wait_seconds", "cancelled", "completed", "failed", "paused", "peak_queue_length", "pending", "processing", "queued", "success_rate"]
    AVG_PROCESSING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    AVG_WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PEAK_QUEUE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    avg_processing_seconds: DoubleValue
    avg_wait_seconds: DoubleValue
    cancelled: int
    completed: int
    failed: int
    paused: int
    peak_queue_length: int
    pending: int
    processing: int
    queued: int
    success_rate: DoubleValue
    def __init__(self, pending: _Optional[int] = ..., queued: _Optional[int] = ..., processing: _Optional[int] = ..., completed: _Optional[int] = ..., failed: _Optional[int] = ..., cancelled: _Optional[int] = ..., paused: _Optional[int] = ..., avg_wait_seconds: _Optional[_Union[DoubleValue, _Mapping]] = ..., avg_processing_seconds: _Optional[_Union[DoubleValue, _Mapping]] = ..., success_rate: _Optional[_Union[DoubleValue, _Mapping]] = ..., peak_queue_length: _Optional[int] = ...) -> None: ...

class Recurrence(_message.Message):
    __slots__ = ["cron", "rrule", "shorthand"]
    CRON_FIELD_NUMBER: _ClassVar[int]
    RRULE_FIELD_NUMBER: _ClassVar[int]
    SHORTHAND_FIELD_NUMBER: _ClassVar[int]
    cron: str
    rrule: str
    shorthand: RecurrenceShorthand
    def __init__(self, rrule: _Optional[str] = ..., cron: _Optional[str] = ..., shorthand: _Optional[_Union[RecurrenceShorthand, _Mapping]] = ...) -> None: ...

class RecurrenceShorthand(_message.Message):
    __slots__ = ["day_of_month", "days_of_week", "hour", "minute", "pattern"]
    DAYS_OF_WEEK_FIELD_NUMBER: _ClassVar[int]
    DAY_OF_MONTH_FIELD_NUMBER: _ClassVar[int]
    HOUR_FIELD_NUMBER: _ClassVar[int]
    MINUTE_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    day_of_month: int
    days_of_week: _containers.RepeatedScalarFieldContainer[int]
    hour: int
    minute: int
    pattern: RecurrencePattern
    def __init__(self, pattern: _Optional[_Union[RecurrencePattern, str]] = ..., days_of_week: _Optional[_Iterable[int]] = ..., day_of_month: _Optional[int] = ..., hour: _Optional[int] = ..., minute: _Optional[int] = ...) -> None: ...

class Schedule(_message.Message):
    __slots__ = ["attempts", "content", "content_id", "created_at_ms", "failure_reason", "id", "idempotency_key", "is_recurring", "lease", "lease_loss_policy", "local_time", "max_retries", "metadata_json", "notes", "platforms", "priority", "processing_at_ms", "project_id", "publish_delay_seconds", "published_at_ms", "queue_status", "queued_at_ms", "recurrence", "recurring_until_ms", "results", "retry_count", "retry_delay_seconds", "scheduled_for_ms", "series_id", "status", "timezone", "updated_at_ms"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IS_RECURRING_FIELD_NUMBER: _ClassVar[int]
    LEASE_FIELD_NUMBER: _ClassVar[int]
    LEASE_LOSS_POLICY_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_DELAY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    QUEUE_STATUS_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    RECURRING_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    RETRY_DELAY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_MS_FIELD_NUMBER: _ClassVar[int]
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    content: ContentSummary
    content_id: str
    created_at_ms: int
    failure_reason: str
    id: str
    idempotency_key: str
    is_recurring: bool
    lease: Lease
    lease_loss_policy: LeaseLossPolicy
    local_time: str
    max_retries: int
    metadata_json: str
    notes: str
    platforms: _containers.RepeatedScalarFieldContainer[str]
    priority: int
    processing_at_ms: int
    project_id: str
    publish_delay_seconds: int
    published_at_ms: int
    queue_status: QueueStatus
    queued_at_ms: int
    recurrence: Recurrence
    recurring_until_ms: int
    results: _containers.RepeatedCompositeFieldContainer[PlatformResult]
    retry_count: int
    retry_delay_seconds: int
    scheduled_for_ms: int
    series_id: str
    status: ScheduleStatus
    timezone: str
    updated_at_ms: int
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., content_id: _Optional[str] = ..., scheduled_for_ms: _Optional[int] = ..., local_time: _Optional[str] = ..., timezone: _Optional[str] = ..., platforms: _Optional[_Iterable[str]] = ..., priority: _Optional[int] = ..., queue_status: _Optional[_Union[QueueStatus, str]] = ..., status: _Optional[_Union[ScheduleStatus, str]] = ..., queued_at_ms: _Optional[int] = ..., processing_at_ms: _Optional[int] = ..., published_at_ms: _Optional[int] = ..., is_recurring: bool = ..., recurrence: _Optional[_Union[Recurrence, _Mapping]] = ..., recurring_until_ms: _Optional[int] = ..., series_id: _Optional[str] = ..., retry_count: _Optional[int] = ..., max_retries: _Optional[int] = ..., retry_delay_seconds: _Optional[int] = ..., publish_delay_seconds: _Optional[int] = ..., lease: _Optional[_Union[Lease, _Mapping]] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., results: _Optional[_Iterable[_Union[PlatformResult, _Mapping]]] = ..., idempotency_key: _Optional[str] = ..., notes: _Optional[str] = ..., metadata_json: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., failure_reason: _Optional[str] = ..., content: _Optional[_Union[ContentSummary, _Mapping]] = ..., lease_loss_policy: _Optional[_Union[LeaseLossPolicy, str]] = ...) -> None: ...

class StoredConflict(_message.Message):
    __slots__ = ["conflict_time_ms", "id", "project_id", "reason", "resolution", "resolved", "resolved_at_ms", "resolved_by", "schedule1_id", "schedule2_id", "severity", "type"]
    CONFLICT_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE1_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE2_ID_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    conflict_time_ms: int
    id: str
    project_id: str
    reason: str
    resolution: str
    resolved: bool
    resolved_at_ms: int
    resolved_by: str
    schedule1_id: str
    schedule2_id: str
    severity: ConflictSeverity
    type: ConflictType
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., schedule1_id: _Optional[str] = ..., schedule2_id: _Optional[str] = ..., type: _Optional[_Union[ConflictType, str]] = ..., severity: _Optional[_Union[ConflictSeverity, str]] = ..., reason: _Optional[str] = ..., conflict_time_ms: _Optional[int] = ..., resolved: bool = ..., resolved_at_ms: _Optional[int] = ..., resolution: _Optional[str] = ..., resolved_by: _Optional[str] = ...) -> None: ...

class StringList(_message.Message):
    __slots__ = ["values"]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class StringValue(_message.Message):
    __slots__ = ["value"]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: str
    def __init__(self, value: _Optional[str] = ...) -> None: ...

class QueueStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ScheduleStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ConflictType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ConflictSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class RecurrencePattern(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AttemptOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LeaseLossPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
