"""The worker message protocol, Python side (its twin is site/js/core/protocol.js).

Requests (page -> worker)::

    {"v": 1, "id": int, "type": str, "params": dict}

Replies (worker -> page), any number of ``progress`` then one ``result`` or ``error``::

    {"v": 1, "id": int, "type": "progress", "data": any}
    {"v": 1, "id": int, "type": "result",   "data": any}
    {"v": 1, "id": int, "type": "error",    "data": {"message": str, "type": str, "traceback": str}}

Values are JSON-like (dict, list, str, number, bool, None) plus n-d arrays, which
travel as ``{"$nd": dtype, "shape": [...], "data": <flat buffer>}`` so a float32
array crosses as one typed array with no per-element conversion.

A handler is ``fn(ctx, **params)``. It returns a value, or is a generator: every
``yield`` ends a short chunk of work (a non-None value is sent as progress) and
its ``return`` value is the result. Between chunks the worker reads new messages,
so ``cancel`` (params ``{"id": n}``) stops a long call at once.
"""

import inspect
import traceback
from collections import deque

import numpy as np

VERSION = 1
ND_KEY = "$nd"
CANCEL = "cancel"


class ProtocolError(ValueError):
    """A malformed request (unknown type, bad params)."""


class Cancelled(Exception):
    """The call was cancelled by a `cancel` request."""


def encode(value):
    """Turn numpy values into protocol values (arrays become flat-buffer records)."""
    if isinstance(value, np.ndarray):
        flat = np.ascontiguousarray(value).reshape(-1)
        return {ND_KEY: flat.dtype.name, "shape": list(value.shape), "data": flat}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value):
    """Inverse of `encode`: array records (data as bytes, memoryview or list) become ndarrays."""
    if isinstance(value, dict):
        if ND_KEY in value:
            dtype = np.dtype(value[ND_KEY])
            data = value["data"]
            arr = (np.frombuffer(data, dtype=dtype) if isinstance(data, (bytes, bytearray, memoryview))
                   else np.asarray(data, dtype=dtype))
            shape = [int(s) for s in value.get("shape", [arr.size])]
            if int(np.prod(shape, dtype=np.int64)) != arr.size:  # say so, rather than numpy's reshape message
                raise ProtocolError(f"an array record of shape {shape} holds {arr.size} values")
            return arr.reshape(shape).copy()
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def reply(msg_id, kind, data):
    return {"v": VERSION, "id": msg_id, "type": kind, "data": encode(data)}


def error_reply(msg_id, exc):
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    # str(KeyError("x")) is "'x'" with the quotes: the page shows the message as said.
    message = exc.args[0] if isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    return reply(msg_id, "error", {"message": message, "type": type(exc).__name__, "traceback": tb})


class Context:
    """What handlers share across calls of one worker (e.g. a live trainer)."""

    def __init__(self):
        self.store = {}


class Server:
    """Runs requests against a handler table, one short chunk per `tick`.

    Parameters
    ----------
    handlers : mapping of str to callable
        ``type -> fn(ctx, **params)``.
    """

    def __init__(self, handlers):
        self.handlers = dict(handlers)
        self.ctx = Context()
        self.jobs = deque()  # (id, generator) of calls still running, round robin
        self.outbox = []

    def submit(self, message):
        """Accept one request; its immediate replies wait in the outbox for `tick`."""
        msg_id = message.get("id") if isinstance(message, dict) else None
        try:
            self._start(msg_id, message)
        except Exception as exc:  # any failure is the caller's error reply, never a crash
            self.outbox.append(error_reply(msg_id, exc))

    def _start(self, msg_id, message):
        if not isinstance(message, dict) or message.get("v") != VERSION:
            raise ProtocolError(f"expected a protocol v{VERSION} request, got {message!r:.200}")
        kind, params = message.get("type"), decode(message.get("params") or {})
        if not isinstance(params, dict):
            raise ProtocolError("params must be an object")
        if kind == CANCEL:
            self.outbox.append(reply(msg_id, "result", {"cancelled": self.cancel(params.get("id"))}))
            return
        fn = self.handlers.get(kind)
        if fn is None:
            raise ProtocolError(f"unknown request type {kind!r}")
        out = fn(self.ctx, **params)
        if inspect.isgenerator(out):
            self.jobs.append((msg_id, out))
        else:
            self.outbox.append(reply(msg_id, "result", out))

    def cancel(self, target):
        for job in list(self.jobs):
            if job[0] == target:
                self.jobs.remove(job)
                job[1].close()
                self.outbox.append(error_reply(target, Cancelled(f"request {target} was cancelled")))
                return True
        return False

    @property
    def busy(self):
        return bool(self.jobs)

    def tick(self):
        """Run one chunk of the oldest running call; return every reply ready to post."""
        if self.jobs:
            msg_id, gen = self.jobs.popleft()
            try:
                data = next(gen)
            except StopIteration as stop:
                self.outbox.append(reply(msg_id, "result", stop.value))
            except Exception as exc:
                self.outbox.append(error_reply(msg_id, exc))
            else:
                self.jobs.append((msg_id, gen))
                if data is not None:
                    self.outbox.append(reply(msg_id, "progress", data))
        out, self.outbox = self.outbox, []
        return out
