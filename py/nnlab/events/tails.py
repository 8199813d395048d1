"""The end of what was read of an event file: an incomplete record, or a header that lies.

Framing stops at the first record that runs past the end of the bytes. Most
often a writer is still writing it; but a header can also claim a wrong length
with a valid CRC (crafted, or written by a broken writer), and then everything
after it would be lost without a word. `lie` recognises the two cases that can
be proven from the bytes at hand; `incomplete_tail` describes the rest.
"""

import struct

import numpy as np

from .crc import crc32c_ranges, mask
from .wire import field_at

HEADER = 12  # u64 length + u32 masked CRC of the length
OVERHEAD = 16  # header + u32 masked CRC of the data
# first byte of every Event field (numbers 1 to 10), i.e. of any record an event writer makes
EVENT_KEYS = frozenset((1 << 3 | 1, 2 << 3) + tuple(n << 3 | 2 for n in range(3, 11)))
_FIELDS = 16  # Event fields tried as the end of a record (an Event has at most 10 kinds)


def u32_at(arr, pos):
    """Little-endian uint32 at each byte offset in `pos`."""
    view = np.ndarray(shape=(max(arr.size - 3, 0),), dtype="<u4", buffer=arr, strides=(1,))
    return view[pos]


def header_ok(arr, offsets):
    """(n,) bool: the stored masked CRC of each 8-byte length matches."""
    crc = mask(crc32c_ranges(arr, offsets, np.full(offsets.size, 8)))
    return crc == u32_at(arr, offsets + 8)


def _true_length(arr, start):
    """Length of the Event at `start`, if a data CRC right after one of its fields proves it."""
    view, i = memoryview(arr)[start:], 0
    for _ in range(_FIELDS):
        f = field_at(view, i, len(view))
        if f is None or f[5] + 4 > len(view):
            return None
        i = f[5]
        if mask(crc32c_ranges(arr, [start], [i]))[0] == u32_at(arr, np.array([start + i]))[0]:
            return i
    return None


def lie(arr, pos):
    """Whether the valid header at `pos`, whose record runs past the end of `arr`, lies.

    Returns
    -------
    None, or (skip, message)
        Bytes to skip from `pos` (the header alone when another valid header
        follows right away, where a writer puts the record's data; the whole
        record when its Event's fields end where its data CRC matches) and what
        was wrong.
    """
    length = struct.unpack_from("<Q", memoryview(arr), pos)[0]
    claim = f"claims {length} bytes, past the end of the file ({arr.size - pos - HEADER} follow)"
    if arr.size - pos >= 2 * HEADER and header_ok(arr, np.array([pos + HEADER], np.int64))[0]:
        return HEADER, f"{claim}, and another record starts right after it: skipped the header"
    true = _true_length(arr, pos + HEADER)
    if true is not None:
        return true + OVERHEAD, f"{claim}, but its Event ends after {true} bytes where its data CRC matches: read it so"
    return None


def incomplete_tail(buf, end, base=0):
    """What is known of the incomplete record at `end`, where a `Framing` without problem ended.

    Returns
    -------
    message : str or None
        Its offset (`base` is that of ``buf[0]``) and size; None when `buf` ends at `end`.
    need : int
        Bytes from `end` on needed before framing again can find a record.
    suspicious : bool
        Its first data byte starts no Event field: no writer is writing it.
    """
    rest = len(buf) - end
    if rest == 0:
        return None, 0, False
    if rest < HEADER:
        return f"the file ends inside the record header at offset {base + end} ({rest} of {HEADER} bytes)", HEADER, False
    length = struct.unpack_from("<Q", memoryview(buf), end)[0]
    odd = rest > HEADER and int(buf[end + HEADER]) not in EVENT_KEYS
    return (f"the file ends inside the record at offset {base + end}: its header claims {length} bytes, "
            f"{rest - HEADER} follow" + (", and they do not start like an Event" if odd else "")
            ), length + OVERHEAD, odd
