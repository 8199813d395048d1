"""Equal byte strings (tags, metadata) among many spans of a buffer, grouped with numpy."""

import numpy as np

_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_SHORT = 64  # spans up to this many bytes are hashed with numpy


def _words_at(arr, pos):
    """Little-endian uint64 at each byte offset; bytes past the end of `arr` read as 0."""
    n = arr.size
    words = np.ndarray(shape=(max(n - 7, 0),), dtype="<u8", buffer=arr, strides=(1,))
    out = words[np.clip(pos, 0, max(words.size - 1, 0))] if words.size else np.zeros(pos.size, np.uint64)
    over = np.flatnonzero(pos > n - 8)
    if over.size:  # near the end: assemble from single bytes
        acc = np.zeros(over.size, dtype=np.uint64)
        for b in range(8):
            at = pos[over] + b
            byte = np.where(at < n, arr[np.clip(at, 0, n - 1)], 0).astype(np.uint64)
            acc |= byte << np.uint64(8 * b)
        out[over] = acc
    return out


def _first_of_short(arr, pos, size):
    """For spans of at most `_SHORT` bytes: index of the first span holding the same bytes."""
    h = size.astype(np.uint64) * _HASH_MUL
    chunks = []
    for k in range((int(size.max(initial=0)) + 7) // 8):
        left = np.clip(size - 8 * k, 0, 8).astype(np.uint64)
        keep = np.where(left == 8, ~np.uint64(0), (np.uint64(1) << (8 * left)) - np.uint64(1))
        w = _words_at(arr, pos + 8 * k) & keep
        chunks.append(w)
        h = (h ^ w) * _HASH_MUL
    _, first, ids = np.unique(h, return_index=True, return_inverse=True)
    rep = first[ids.reshape(-1)].astype(np.int64)
    same = np.all([c == c[rep] for c in chunks], axis=0) & (size == size[rep])
    if not same.all():  # a hash collision: group by the bytes themselves
        found = {}
        raw = (arr[p:p + s].tobytes() for p, s in zip(pos.tolist(), size.tolist()))
        rep = np.array([found.setdefault(b, i) for i, b in enumerate(raw)], dtype=np.int64)
    return rep


def unique_spans(arr, pos, size):
    """Group equal byte strings ``arr[pos[i]:pos[i] + size[i]]``, in time linear in their bytes.

    Short spans (tags, metadata) are hashed with numpy a word at a time; long
    ones, whose words would each cost a numpy round for all spans, are few
    (there are at most total bytes / `_SHORT` of them) and hashed as bytes.

    Returns
    -------
    ids : (n,) int64
        Index of each span's string in `strings`.
    strings : list of bytes
        Each distinct string once, in order of first appearance.
    """
    pos, size = np.asarray(pos, np.int64), np.asarray(size, np.int64)
    rep = np.zeros(pos.size, dtype=np.int64)  # index of the first span with the same bytes
    short = np.flatnonzero(size <= _SHORT).astype(np.int64)  # intp is int32 in wasm
    if short.size:
        rep[short] = short[_first_of_short(arr, pos[short], size[short])]
    long_ = np.flatnonzero(size > _SHORT).astype(np.int64)
    found = {}
    for i, p, s in zip(long_.tolist(), pos[long_].tolist(), size[long_].tolist()):
        rep[i] = found.setdefault(arr[p:p + s].tobytes(), i)
    firsts, ids = np.unique(rep, return_inverse=True)  # a first index sorts as its first appearance
    strings = [arr[p:p + s].tobytes() for p, s in zip(pos[firsts].tolist(), size[firsts].tolist())]
    return ids.reshape(-1).astype(np.int64), strings
