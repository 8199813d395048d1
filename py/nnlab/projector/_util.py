"""Small helpers shared by the projector modules."""


def drain(gen, each=None):
    """Run a generator to its end and return its return value.

    The long computations here are generators (yield between chunks, so the
    browser worker stays responsive); callers without a worker just drain them.
    `each`, if given, is called with every yielded item (e.g. ``steps.append``).
    """
    while True:
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        if each is not None:
            each(item)


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
