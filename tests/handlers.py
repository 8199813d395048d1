"""Calling worker handlers (``fn(ctx, **params)``) from a test as the worker does."""

import types


class Ctx:
    """The context a handler gets: its per-session ``store``."""

    def __init__(self):
        self.store = {}


def finish(result):
    """A handler's result, running a long call (a generator yielding progress) to its end."""
    if not isinstance(result, types.GeneratorType):
        return result
    try:
        while True:
            next(result)
    except StopIteration as stop:
        return stop.value
