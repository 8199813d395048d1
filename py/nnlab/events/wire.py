"""Protobuf wire format, read for many messages at once with numpy.

`tokenize` splits every message of a batch (one numpy lane per message) into
its fields in one loop whose length is the largest field count, not the
number of messages; the few messages with many more fields than the rest
(a Summary of thousands of values) are finished in plain Python. Higher layers pick the fields they know by number and
wire type; a message with anything unexpected is handed to the protobuf
runtime instead, so this code only has to be right for the common shapes.
"""

from dataclasses import dataclass

import numpy as np

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5
_MAX_VARINT = 10
_U64 = (1 << 64) - 1
_LANES_PER_ROUND = 4  # a numpy round must serve k/4 lanes, else Python reads the rest


def read_varints(arr, pos, end):
    """Decode one varint per lane.

    Parameters
    ----------
    arr : (N,) uint8
    pos, end : (n,) int64
        Where each varint starts, and the end of its message.

    Returns
    -------
    value : (n,) uint64
    nxt : (n,) int64
        Offset just after each varint.
    ok : (n,) bool
        False where the varint is unterminated or runs past `end`.
    """
    last = arr.size - 1
    byte = arr[np.minimum(pos, last)]
    value = (byte & 0x7F).astype(np.uint64)
    nxt = pos + 1
    live = np.flatnonzero(byte >= 0x80)  # lanes whose varint goes on; usually few, short
    for k in range(1, _MAX_VARINT):
        if not live.size:
            break
        at = pos[live] + k
        byte = arr[np.minimum(at, last)]
        value[live] |= (byte & 0x7F).astype(np.uint64) << np.uint64(7 * k)
        nxt[live] = at + 1
        live = live[byte >= 0x80]
    ok = nxt <= end
    if live.size:  # more than 10 bytes: not a varint
        ok[live] = False
    return value, nxt, ok


def read_fixed(arr, pos, dtype):
    """Little-endian fixed-width values ("<f4", "<f8", "<u8", ...) at byte offsets `pos`.

    Every ``pos + itemsize`` must lie inside `arr`.
    """
    dtype = np.dtype(dtype)
    view = np.ndarray(shape=(max(arr.size - dtype.itemsize + 1, 0),), dtype=dtype,
                      buffer=arr, strides=(1,))
    return view[pos]


@dataclass
class Tokens:
    """The fields of a batch of messages, one row per field occurrence.

    Attributes
    ----------
    lane : (t,) int64
        Which message (index into the batch).
    order : (t,) int64
        Position of the field within its message (0, 1, ...).
    number : (t,) int64
        Field number.
    wire : (t,) int64
        Wire type.
    value : (t,) uint64
        The value of a varint field (0 otherwise).
    pos, size : (t,) int64
        Payload offset and byte length (8 or 4 for fixed fields, the bytes of a
        length-delimited field; 0 for varints).
    bad : (n,) bool
        Messages that are not valid wire format.
    """

    lane: np.ndarray
    order: np.ndarray
    number: np.ndarray
    wire: np.ndarray
    value: np.ndarray
    pos: np.ndarray
    size: np.ndarray
    bad: np.ndarray

    def pick(self, number, wire):
        """(k,) indices of the tokens with this field number and wire type."""
        return np.flatnonzero((self.number == number) & (self.wire == wire))


def _payload(arr, wire, p, end):
    """Value, payload size and next offset of one field per lane, given its wire type."""
    value = np.zeros(p.size, dtype=np.uint64)
    size = np.zeros(p.size, dtype=np.int64)
    nxt = p.copy()
    ok = (wire == VARINT) | (wire == FIXED64) | (wire == LEN) | (wire == FIXED32)
    for kind, width in ((FIXED64, 8), (FIXED32, 4)):
        m = wire == kind
        size[m] = width
        nxt[m] = p[m] + width
    for kind in (VARINT, LEN):
        m = np.flatnonzero(wire == kind)
        if m.size:
            v, q, good = read_varints(arr, p[m], end[m])
            if kind == VARINT:
                value[m], nxt[m] = v, q
            else:  # compare as unsigned first: a corrupt length may not fit int64
                good &= v <= (end[m] - q).astype(np.uint64)
                size[m] = np.where(good, v, 0).astype(np.int64)
                p[m], nxt[m] = q, q + size[m]
            ok[m] &= good
    return value, size, nxt, ok & (nxt <= end)


def varint(data, i, end):
    """One varint of `data` at `i` (Python ints): (value, next offset), or (None, None) if invalid."""
    value = 0
    for j in range(i, min(i + _MAX_VARINT, end)):
        value |= (data[j] & 0x7F) << (7 * (j - i))
        if data[j] < 0x80:
            return value & _U64, j + 1
    return None, None


def field_at(data, i, end):
    """(number, wire, value, payload pos, size, next offset) of the field at `i`, or None if invalid."""
    key, p = varint(data, i, end)
    if key is None:
        return None
    wire, value, size = key & 7, 0, 0
    if wire == VARINT:
        value, nxt = varint(data, p, end)
    elif wire in (FIXED64, FIXED32):
        size = 8 if wire == FIXED64 else 4
        nxt = p + size
    elif wire == LEN:
        size, p = varint(data, p, end)
        nxt = None if size is None or size > end - p else p + size
    else:
        nxt = None
    if nxt is None or nxt > end:
        return None
    return key >> 3, wire, value, p, size, nxt


def message_fields(buf):
    """The fields of one small message, read in Python: ``{number: [value, ...]}``.

    A LEN field's value is its payload (bytes), any other an int (fixed-width ones
    little-endian unsigned). Raises ValueError when the bytes are not a message.
    """
    out, i = {}, 0
    while i < len(buf):
        f = field_at(buf, i, len(buf))
        if f is None:
            raise ValueError(f"damaged protobuf field at byte {i}")
        number, wire, value, pos, size, i = f
        if wire == LEN:
            value = bytes(buf[pos:pos + size])
        elif wire != VARINT:
            value = int.from_bytes(buf[pos:pos + size], "little")
        out.setdefault(number, []).append(value)
    return out


def texts(fields, number):
    """Every value of a string field of `message_fields`' result; ValueError for one that is not LEN."""
    values = fields.get(number, [])
    if not all(isinstance(v, bytes) for v in values):
        raise ValueError(f"field {number} is not a string")
    return [v.decode("utf-8", "replace") for v in values]


def text(fields, number):
    """A singular string field ("" when absent; the first when repeated)."""
    found = texts(fields, number)
    return found[0] if found else ""


def messages(fields, number):
    """Every value of a message field, each as `message_fields`; ValueError for one that is not LEN."""
    values = fields.get(number, [])
    if not all(isinstance(v, bytes) for v in values):
        raise ValueError(f"field {number} is not a message")
    return [message_fields(v) for v in values]


def message(fields, number):
    """A singular message field ({} when absent; the first when repeated)."""
    found = messages(fields, number)
    return found[0] if found else {}


def _one_by_one(arr, start, end, lane, k):
    """The fields of one message from field `k` (at `start`) on, read in Python: columns and "bad".

    Reading a field needs the end of the one before, so a message with many
    fields costs one numpy round per field in `tokenize`; in Python it costs
    about a microsecond per field instead.
    """
    data = arr[start:end].tobytes()
    rows, i, bad = [], 0, False
    while i < len(data):
        f = field_at(data, i, len(data))
        if f is None:
            bad = True
            break
        rows.append((lane, k + len(rows), f[0], f[1], f[2], start + f[3], f[4]))
        i = f[5]
    cols = list(zip(*rows)) or [()] * 7
    types = (np.int64, np.int64, np.int64, np.int64, np.uint64, np.int64, np.int64)
    return tuple(np.array(c, dtype=t) for c, t in zip(cols, types)), bad


def tokenize(arr, starts, ends):
    """Split each message ``arr[starts[i]:ends[i]]`` into fields.

    Parameters
    ----------
    arr : (N,) uint8
    starts, ends : (n,) int64

    Returns
    -------
    Tokens
    """
    cur = np.asarray(starts, dtype=np.int64).copy()
    ends = np.asarray(ends, dtype=np.int64)
    bad = np.zeros(cur.size, dtype=bool)
    lanes = np.flatnonzero(cur < ends)
    out = []
    k = 0
    while lanes.size:
        if lanes.size <= k // _LANES_PER_ROUND:  # few long messages left: one numpy round per field would be slow
            for lane in lanes.tolist():
                cols, bad[lane] = _one_by_one(arr, int(cur[lane]), int(ends[lane]), lane, k)
                out.append(cols)
            break
        key, p, ok = read_varints(arr, cur[lanes], ends[lanes])
        wire = (key & np.uint64(7)).astype(np.int64)
        value, size, nxt, ok2 = _payload(arr, wire, p, ends[lanes])
        ok &= ok2
        bad[lanes[~ok]] = True
        good = lanes[ok]
        out.append((good, np.full(good.size, k), (key[ok] >> np.uint64(3)).astype(np.int64),
                    wire[ok], value[ok], p[ok], size[ok]))
        cur[good] = nxt[ok]
        lanes = good[cur[good] < ends[good]]
        k += 1
    cols = [np.concatenate(c) if c else np.zeros(0) for c in zip(*out)] if out else [np.zeros(0)] * 7
    types = (np.int64, np.int64, np.int64, np.int64, np.uint64, np.int64, np.int64)
    cols = [c.astype(t, copy=False) for c, t in zip(cols, types)]
    return Tokens(*cols, bad=bad)
