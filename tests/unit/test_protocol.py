"""The worker protocol's Python side: values, arrays, errors, long calls, cancel."""

import json

import numpy as np
import pytest

from nnlab import api
from nnlab.protocol import Server, decode, encode, error_reply


def call(server, type_, params=None, msg_id=1):
    """Submit one request and tick until its final reply; returns all its replies."""
    server.submit({"v": 1, "id": msg_id, "type": type_, "params": params or {}})
    replies = []
    for _ in range(10_000):
        replies += [r for r in server.tick() if r["id"] == msg_id]
        if replies and replies[-1]["type"] in ("result", "error"):
            return replies
    raise AssertionError("no final reply")


def echo(ctx, **params):
    return params


def boom(ctx, x=0):
    return {"ratio": 1 / x}


def counter(ctx, n=3):
    for i in range(n):
        yield {"i": i}
    return {"done": n}


@pytest.fixture
def server():
    return Server({"echo": echo, "boom": boom, "count": counter})


def test_json_values_round_trip(server):
    params = {"s": "héllo <b>", "i": 3, "f": 0.25, "b": True, "n": None, "l": [1, [2, {"k": "v"}]]}
    [reply] = call(server, "echo", params)
    assert reply == {"v": 1, "id": 1, "type": "result", "data": params}
    json.dumps(reply)  # what JS gets is plain JSON-able data


def test_float32_array_round_trips_as_flat_buffer(server):
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    sent = encode({"x": x})
    assert sent["x"]["$nd"] == "float32" and sent["x"]["shape"] == [3, 4]
    # The browser hands Python the typed array's bytes: decode must read them as-is.
    wire = {"x": {"$nd": "float32", "shape": [3, 4], "data": memoryview(x.tobytes())}}
    [reply] = call(server, "echo", wire)
    back = reply["data"]["x"]
    assert back["$nd"] == "float32" and back["shape"] == [3, 4]
    assert back["data"].dtype == np.float32 and back["data"].ndim == 1
    np.testing.assert_array_equal(decode(reply["data"])["x"], x)


def test_numpy_scalars_become_plain_numbers():
    out = encode({"a": np.float32(0.5), "b": np.int64(7), "c": (np.bool_(True),)})
    assert out == {"a": 0.5, "b": 7, "c": [True]}
    assert type(out["b"]) is int


def test_exception_becomes_error_reply_and_server_keeps_serving(server):
    [err] = call(server, "boom", {"x": 0}, msg_id=5)
    assert err["type"] == "error" and err["id"] == 5
    assert err["data"]["type"] == "ZeroDivisionError"
    assert err["data"]["message"] == "division by zero"
    assert "boom" in err["data"]["traceback"]
    [ok] = call(server, "boom", {"x": 4}, msg_id=6)
    assert ok["data"] == {"ratio": 0.25}


def test_bad_requests_are_errors_not_crashes(server):
    [unknown] = call(server, "nope")
    assert unknown["data"]["type"] == "ProtocolError" and "nope" in unknown["data"]["message"]
    [badargs] = call(server, "boom", {"y": 1}, msg_id=2)
    assert badargs["data"]["type"] == "TypeError"
    server.submit({"v": 99, "id": 3, "type": "echo"})
    [wrongv] = server.tick()
    assert wrongv["type"] == "error" and wrongv["id"] == 3
    server.submit("garbage")
    [garbage] = server.tick()
    assert garbage["type"] == "error"


def test_long_call_reports_progress_then_result(server):
    replies = call(server, "count", {"n": 3})
    assert [r["type"] for r in replies] == ["progress"] * 3 + ["result"]
    assert [r["data"]["i"] for r in replies[:3]] == [0, 1, 2]
    assert replies[-1]["data"] == {"done": 3}


def test_calls_interleave_and_cancel_stops_one(server):
    server.submit({"v": 1, "id": 1, "type": "count", "params": {"n": 1000}})
    server.submit({"v": 1, "id": 2, "type": "count", "params": {"n": 2}})
    seen = server.tick() + server.tick()
    assert {r["id"] for r in seen} == {1, 2}  # round robin: the short call is not starved
    server.submit({"v": 1, "id": 3, "type": "cancel", "params": {"id": 1}})
    out = server.tick()
    cancel_err = [r for r in out if r["id"] == 1]
    assert cancel_err and cancel_err[0]["type"] == "error" and cancel_err[0]["data"]["type"] == "Cancelled"
    assert [r["data"] for r in out if r["id"] == 3] == [{"cancelled": True}]
    while server.busy:
        out += server.tick()
    assert [r["type"] for r in out if r["id"] == 2][-1] == "result"
    assert all(r["id"] != 1 or r["type"] == "error" for r in out)


def test_real_handler_table_runs_numpy():
    server = api.make_server()
    replies = call(server, "diag.matmul", {"n": 30, "rounds": 2, "seed": 4})
    assert [r["type"] for r in replies] == ["progress", "progress", "result"]
    a = np.random.default_rng(4).standard_normal((30, 30), dtype=np.float32)
    expected = float(np.trace(a @ a.T, dtype=np.float64))
    assert replies[-1]["data"]["checksum"] == pytest.approx(expected, rel=1e-6)
    [err] = call(server, "diag.matmul", {"n": -3}, msg_id=2)
    assert err["data"]["type"] == "ValueError" and "between 1 and" in err["data"]["message"]


def test_a_missing_key_reads_as_its_message_without_python_quotes():
    err = error_reply(3, KeyError("run 'main' has no text tag 'x'"))
    assert err["data"]["message"] == "run 'main' has no text tag 'x'" and err["data"]["type"] == "KeyError"
    assert error_reply(4, KeyError(7))["data"]["message"] == "7"
