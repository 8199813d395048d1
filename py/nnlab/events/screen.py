"""A look at a record's first fields before protobuf parses it, to refuse huge string tensors.

The pure-Python protobuf runtime (the browser's) makes one object per string:
a 20 MB record of 10**7 empty strings took half a minute and hundreds of MB to
parse only to be refused. Writers put a TensorProto's dtype and shape before its
values (fields go out in number order), so those few bytes tell the element
count. Anything laid out otherwise is left to protobuf, which stays correct.
"""

import math

from .tensors import MAX_STRINGS

_LEN = 2
_FIELDS_LOOKED_AT = 8  # a Value's tensor, a TensorProto's shape come within its first few fields
_DT_STRING = 7


class _Unfollowed(Exception):
    """Bytes this look can't follow; protobuf is left to judge them."""


def _varint(b, p):
    """(value, next offset) of the varint at `p`; `_Unfollowed` when truncated or too long."""
    value = shift = 0
    while p < len(b) and shift < 64:
        c = b[p]
        value |= (c & 0x7F) << shift
        p, shift = p + 1, shift + 7
        if c < 0x80:
            return value, p
    raise _Unfollowed()


def _fields(b, start, end):
    """The first fields of ``b[start:end]`` as (number, wire, value or (start, end) of a LEN payload)."""
    p = start
    for _ in range(_FIELDS_LOOKED_AT):
        if p >= end:
            return
        key, p = _varint(b, p)
        wire = key & 7
        if wire == 0:
            value, p = _varint(b, p)
        elif wire == _LEN:
            size, p = _varint(b, p)
            value, p = (p, p + size), p + size
        elif wire in (1, 5):
            value, p = None, p + (8 if wire == 1 else 4)
        else:
            return
        yield key >> 3, wire, value


def _claimed_strings(b, start, end):
    """Elements a string TensorProto's shape claims, or 0 (not a string tensor, or not told up front)."""
    dtype, dims = None, None
    for number, wire, value in _fields(b, start, end):
        if number == 1 and wire == 0:
            dtype = value
        elif number == 2 and wire == _LEN:
            spans = [d for n, w, d in _fields(b, *value) if n == 2 and w == _LEN]  # Dim messages
            dims = [next((v for n, w, v in _fields(b, *d) if n == 1 and w == 0), 0) for d in spans]
            break
    if dtype != _DT_STRING or dims is None or len(dims) >= _FIELDS_LOOKED_AT:
        return 0
    return math.prod(dims)


def _check_value_at(b, start, end):
    """ValueError when the Summary.Value in ``b[start:end]`` claims a string tensor beyond MAX_STRINGS."""
    for number, wire, value in _fields(b, start, end):
        if number == 8 and wire == _LEN:
            count = _claimed_strings(b, *value)
            if count > MAX_STRINGS:
                raise ValueError(f"string tensor of {count} elements (more than {MAX_STRINGS})")
            return


def _checked(check, data, *span):
    """Run `check`, letting through bytes it can't follow (protobuf will judge them)."""
    try:
        check(data, *span)
    except _Unfollowed:
        pass


def check_value(data):
    """Raise ValueError when serialized Summary.Value `data` holds a string tensor beyond MAX_STRINGS."""
    _checked(_check_value_at, data, 0, len(data))


def _check_event_at(b, start, end):
    """`_check_value_at` for the first values of the Event in ``b[start:end]``."""
    for number, wire, value in _fields(b, start, end):
        if number == 5 and wire == _LEN:  # Event.summary: check its first values
            for n, w, v in _fields(b, *value):
                if n == 1 and w == _LEN:
                    _check_value_at(b, *v)


def check_event(data):
    """Raise ValueError when serialized Event `data` holds a string tensor beyond MAX_STRINGS."""
    _checked(_check_event_at, data, 0, len(data))
