"""Every message and enum of proto/scheduler/v1 in one namespace: ``v1.EnqueueRequest``,
``v1.Schedule``, ``v1.QUEUE_STATUS_PENDING``, ``v1.Frame``, … (generated code in ``_proto``)."""

from ._proto import frame_pb2, scheduler_pb2, types_pb2

__all__ = []
for _module in (types_pb2, scheduler_pb2, frame_pb2):
    for _name in dir(_module):
        if not _name.startswith("_") and _name != "DESCRIPTOR":
            globals()[_name] = getattr(_module, _name)
            __all__.append(_name)
del _module, _name
