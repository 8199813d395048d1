"""Damaged copies of a file's bytes, for the readers' fuzz tests."""

import random


def damaged(data, seed=0, flips=500):
    """Every truncation of `data` (shorter than it), then `flips` copies with one random byte changed."""
    rng = random.Random(seed)
    cases = [data[:n] for n in range(len(data))]
    for _ in range(flips):
        b = bytearray(data)
        b[rng.randrange(len(b))] = rng.randrange(256)
        cases.append(bytes(b))
    return cases
