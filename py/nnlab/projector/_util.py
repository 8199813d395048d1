"""Small helpers shared by the projector modules."""


def drain(gen):
    """Run a generator to its end and return its return value.

    The long computations here are generators (yield between chunks, so the
    browser worker stays responsive); callers without a worker just drain them.
    """
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def with_phase(gen, phase):
    """Relay a generator of ``(done, total)`` as progress dicts; return its return value.

    Yields ``{"phase": phase, "done": done, "total": total}``.
    """
    while True:
        try:
            done, total = next(gen)
        except StopIteration as stop:
            return stop.value
        yield {"phase": phase, "done": done, "total": total}
