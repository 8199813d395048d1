"""The hottest path: scalar Events in the exact byte layouts the writers produce.

A scalar record is, field after field::

    09 <wall_time f64> [10 <step varint>] 2a <len> 0a <len> 0a <len> <tag>
        ( 15 <f32 simple_value> | 42 <len> <TensorProto of one of TENSORS> ) [4a <len> <metadata>]

Checking those bytes for every record at once takes a few gathers, against
a dozen generic field-by-field passes; a record that differs in any byte
goes the generic way (`scalars`), which reads the same bytes to the same
values, only more slowly.
"""

from dataclasses import dataclass

import numpy as np

from .wire import read_fixed, read_varints

# TensorProto bytes before the value, value format, and the fast-path kind it gives
TENSORS = (
    (b"\x08\x01\x12\x00\x22\x04", "<f4", 1),  # TF2: DT_FLOAT, shape {}, tensor_content
    (b"\x08\x01\x2a\x04", "<f4", 1),  # PyTorch new_style: DT_FLOAT, float_val
    (b"\x08\x02\x12\x00\x22\x08", "<f8", 2),  # DT_DOUBLE, shape {}, tensor_content
    (b"\x08\x02\x32\x08", "<f8", 2),  # PyTorch double_precision: DT_DOUBLE, double_val
)


@dataclass
class Matched:
    """Records in a known scalar layout (fields valid where `ok`).

    Attributes
    ----------
    ok : (n,) bool
    wall_time : (n,) float64
    step : (n,) int64
    tag, meta : (n, 2) int64
        ``(offset, size)`` of the tag and of the SummaryMetadata (-1: none).
    kind : (n,) int8
        0 simple_value, 1 float tensor, 2 double tensor.
    value : (n,) float64
    """

    ok: np.ndarray
    wall_time: np.ndarray
    step: np.ndarray
    tag: np.ndarray
    meta: np.ndarray
    kind: np.ndarray
    value: np.ndarray


def _byte(arr, pos):
    return arr[np.minimum(pos, arr.size - 1)]


def _short_field(arr, pos, key, ok):
    """Check a length-delimited field with a one-byte length at `pos`; (payload start, size, ok)."""
    pair = read_fixed(arr, np.minimum(pos, arr.size - 2), "<u2")  # key and length in one gather
    size = (pair >> 8).astype(np.int64)
    return pos + 2, size, ok & ((pair & 0xFF) == key) & (size < 0x80)


def _prefix_word(prefix):
    """(value, mask) comparing the first len(prefix) bytes of a little-endian uint64."""
    value = int.from_bytes(prefix, "little")
    return np.uint64(value), np.uint64((1 << (8 * len(prefix))) - 1)


def _head(arr, starts, ends):
    """wall_time, optional step, then Summary and Value each filling the record: the tag's span."""
    ok = (_byte(arr, starts) == 0x09) & (starts + 9 <= ends)
    wall = read_fixed(arr, np.where(ok, starts + 1, 0), "<f8")
    p = starts + 9
    step = np.zeros(starts.size, dtype=np.int64)
    has = np.flatnonzero(ok & (_byte(arr, p) == 0x10))
    value, nxt, good = read_varints(arr, p[has] + 1, ends[has])
    step[has], p[has] = value.view(np.int64), nxt
    ok[has] &= good
    for key in (0x2A, 0x0A):  # Summary, then its only Value, each running to the record's end
        p, size, ok = _short_field(arr, p, key, ok)
        ok &= p + size == ends
    tag, size, ok = _short_field(arr, p, 0x0A, ok)
    return ok, wall, step, tag, size


def match(arr, starts, ends):
    """Find the records in a known scalar layout and decode them.

    Parameters
    ----------
    arr : (N,) uint8
    starts, ends : (n,) int64
        Each record's data.

    Returns
    -------
    Matched
    """
    ok, wall, step, tag, tag_size = _head(arr, starts, ends)
    p = tag + tag_size
    kind = np.full(starts.size, -1, dtype=np.int8)
    value = np.zeros(starts.size)
    after = np.zeros(starts.size, dtype=np.int64)  # where the value field ends
    simple = ok & (_byte(arr, p) == 0x15) & (p + 5 <= ends)
    value[simple] = read_fixed(arr, p[simple] + 1, "<f4")
    kind[simple], after[simple] = 0, p[simple] + 5
    tp, tsize, is_tensor = _short_field(arr, p, 0x42, ok)
    head = read_fixed(arr, np.minimum(tp, arr.size - 8), "<u8")  # every template is >= 8 bytes
    for prefix, fmt, code in TENSORS:
        want, mask = _prefix_word(prefix)
        m = is_tensor & (tsize == len(prefix) + np.dtype(fmt).itemsize) & (tp + tsize <= ends)
        m &= (head & mask) == want
        value[m] = read_fixed(arr, tp[m] + len(prefix), fmt)
        kind[m], after[m] = code, tp[m] + tsize[m]
    ok &= kind >= 0
    mp, msize, has_meta = _short_field(arr, after, 0x4A, ok & (after < ends))
    has_meta &= mp + msize == ends
    ok &= (after == ends) | has_meta
    meta = np.where(has_meta[:, None], np.stack([mp, msize], axis=1), -1)
    return Matched(ok=ok, wall_time=wall, step=step, tag=np.stack([tag, tag_size], axis=1),
                   meta=meta, kind=kind, value=value)
