"""Python client of the scheduler service (docs/PROTOCOL.md): TLS, length-prefixed protobuf frames,
many calls multiplexed over one connection.

    from scheduler_client import SchedulerClient, SchedulerError, v1

    with SchedulerClient("127.0.0.1:7443", ca_file=".scheduler/ca.pem", token=token) as client:
        client.health()
"""

from . import v1
from ._connection import ALPN_PROTOCOL
from .client import SAFE_TO_RETRY, SchedulerClient
from .errors import CODE_NAMES, SchedulerError, code_name
from .worker import PublishError, WorkItem, work

__version__ = "0.1.0"

__all__ = [
    "ALPN_PROTOCOL",
    "CODE_NAMES",
    "PublishError",
    "SAFE_TO_RETRY",
    "SchedulerClient",
    "SchedulerError",
    "WorkItem",
    "code_name",
    "v1",
    "work",
]
