"""The generated messages and the framing against the golden frames of the Swift tests
(Tests/WireProtocolTests/Fixtures, made with protoc --encode), and the method table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler_client import SchedulerClient, SchedulerError, v1
from scheduler_client._connection import FrameDecoder, encode_frame
from scheduler_client._proto import scheduler_pb2

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "WireProtocolTests" / "Fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.bin").read_bytes()


def test_every_rpc_has_a_snake_case_method():
    methods = scheduler_pb2.DESCRIPTOR.services_by_name["Scheduler"].methods
    assert len(methods) == 27
    for m in methods:
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", m.name).lower()
        assert callable(getattr(SchedulerClient, name)), name
        assert m.input_type.name == f"{m.name}Request" and m.output_type.name == f"{m.name}Response"


def test_requests_encode_byte_for_byte_like_the_golden_frames():
    health = v1.Frame(call_id=7)
    health.request.method = "scheduler.v1.Scheduler/Health"
    assert encode_frame(health) == fixture("health_request")

    dequeue = v1.Frame(call_id=4)
    dequeue.request.method = "scheduler.v1.Scheduler/Dequeue"
    dequeue.request.metadata.add(key="authorization", value="Bearer st_wrk_secret")
    dequeue.request.timeout_ms = 30000
    dequeue.request.payload = v1.DequeueRequest(project_id="prj_1", limit=10, lease_seconds=120,
                                                worker_id="worker-a").SerializeToString()
    assert encode_frame(dequeue) == fixture("dequeue_request")


def test_responses_decode_from_the_golden_frames():
    frames = FrameDecoder().feed(fixture("health_response") + fixture("invalid_argument_error"))
    assert [f.call_id for f in frames] == [7, 3]
    assert v1.HealthResponse.FromString(frames[0].response.payload).status == v1.SERVING_STATUS_SERVING
    err = SchedulerError.from_response(frames[1].response)
    assert (err.code, err.field, err.message) == ("INVALID_ARGUMENT", "enqueue.platforms[1]", "enqueue.platforms[1]: empty")
    conflict = SchedulerError.from_response(FrameDecoder().feed(fixture("enqueue_conflict_error"))[0].response)
    assert conflict.code == "FAILED_PRECONDITION" and conflict.conflicts
    assert [f.WhichOneof("kind") for f in FrameDecoder().feed(fixture("go_away") + fixture("ping"))] == ["go_away", "ping"]


def test_the_decoder_takes_bytes_in_any_pieces_and_refuses_bad_lengths():
    data = fixture("dequeue_response") + fixture("pong")
    decoder = FrameDecoder()
    frames = []
    for i in range(len(data)):
        frames += decoder.feed(data[i:i + 1])
    assert [f.WhichOneof("kind") for f in frames] == ["response", "pong"]
    with pytest.raises(ValueError) as e:
        FrameDecoder().feed(b"\x00\x00\x00\x00")
    assert e.value.args[0] == "INVALID_ARGUMENT"
    with pytest.raises(ValueError) as e:
        FrameDecoder(max_frame_size=100).feed(b"\x00\x00\x00\x65")  # refused before the body arrives
    assert e.value.args[0] == "RESOURCE_EXHAUSTED"
    assert SchedulerError.from_response(v1.Response(code=99)).code == "UNKNOWN"
