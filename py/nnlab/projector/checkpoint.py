"""TensorFlow checkpoints (tensor bundles) read without TensorFlow, for the Projector's tensors.

A checkpoint ``PREFIX`` is an index ``PREFIX.index`` and data shards
``PREFIX.data-SSSSS-of-NNNNN``. The index is a LevelDB table: blocks of
prefix-compressed (key, value) entries, each block followed by a type byte and
a masked CRC32C, and a 48-byte footer pointing at the block of block handles.
Key ``""`` holds a BundleHeaderProto; every other key is a variable name whose
value is a BundleEntryProto::

    dtype = 1 (DataType enum), shape = 2 (TensorShapeProto{dim = 2 {size = 1}}),
    shard_id = 3, offset = 4, size = 5, crc32c = 6 (fixed32, masked), slices = 7

A variable's bytes are ``size`` raw little-endian values at ``offset`` of its
shard. TensorBoard's projector shows 2-D float variables of the run's latest
checkpoint (named by the ``checkpoint`` file's ``model_checkpoint_path``).

Damaged files raise `ParseError` naming the file and byte offset; every loop
is bounded by the file's size.
"""

from typing import NamedTuple

import numpy as np

from ..events.crc import masked_crc32c
from ..events.wire import message_fields, varint
from . import pbtxt
from .errors import ParseError, text_of

MAGIC = 0xDB4775248B80FB57  # LevelDB table magic, little-endian in the footer's last 8 bytes
FOOTER = 48
TRAILER = 5  # block type (0: not compressed) + masked CRC32C of contents and type
# DataType codes of float variables a projection can use -> numpy dtype (14, bfloat16, has none)
FLOAT_DTYPES = {1: "<f4", 2: "<f8", 19: "<f2", 14: "<u2"}
DTYPE_NAMES = {1: "float32", 2: "float64", 19: "float16", 14: "bfloat16"}
HEADER_KEY = b""


class Variable(NamedTuple):
    """One tensor of a checkpoint: where its bytes are and what they hold."""

    name: str
    dtype: int  # TensorFlow DataType code
    shape: tuple
    shard: int
    offset: int
    size: int
    crc: int  # masked CRC32C of the bytes, 0 when the writer stored none
    sliced: bool  # a partitioned variable: its bytes are in other entries


def variable_from(fields):
    """A Variable from the dict `as_dict` made (it crossed to the page and back)."""
    return Variable(str(fields["name"]), int(fields["dtype"]), tuple(int(d) for d in fields["shape"]),
                    int(fields["shard"]), int(fields["offset"]), int(fields["size"]), int(fields["crc"]),
                    bool(fields["sliced"]))


def as_dict(var):
    """A Variable as plain fields, to send to the page."""
    return {"name": var.name, "dtype": var.dtype, "shape": list(var.shape), "shard": var.shard,
            "offset": var.offset, "size": var.size, "crc": var.crc, "sliced": var.sliced}


class Index(NamedTuple):
    """A parsed ``.index`` file."""

    num_shards: int
    variables: dict  # name -> Variable, in the file's (sorted) order


def _handle(data, pos, end, name):
    """A BlockHandle (offset, size) at `pos`: two varints."""
    off, p = varint(data, pos, end)
    size, p2 = (None, None) if off is None else varint(data, p, end)
    if size is None:
        raise ParseError(name, pos, "damaged block handle", unit="byte")
    return off, size, p2


def _block(data, off, size, name):
    """The contents of the block at `off` after checking its bounds, type and CRC."""
    if off + size + TRAILER > len(data) - FOOTER or size < 4:
        raise ParseError(name, off, f"block of {size} bytes runs past the end of the file", unit="byte")
    contents = bytes(data[off:off + size])
    kind = data[off + size]
    stored = int.from_bytes(data[off + size + 1:off + size + TRAILER], "little")
    if masked_crc32c(contents + bytes([kind])) != stored:
        raise ParseError(name, off, "block checksum does not match (a damaged or truncated file)", unit="byte")
    if kind != 0:
        raise ParseError(name, off, f"compressed block (type {kind}) is not supported", unit="byte")
    return contents


def _entries(block, base, name):
    """(key, value) pairs of one block; `base` is its offset in the file, for messages."""
    restarts = int.from_bytes(block[-4:], "little")
    end = len(block) - 4 - 4 * restarts
    if restarts < 1 or end < 0:
        raise ParseError(name, base, f"block claims {restarts} restart points", unit="byte")
    out, key, p = [], b"", 0
    while p < end:
        shared, p1 = varint(block, p, end)
        fresh, p2 = (None, None) if shared is None else varint(block, p1, end)
        size, p3 = (None, None) if fresh is None else varint(block, p2, end)
        if size is None or shared > len(key) or p3 + fresh + size > end:
            raise ParseError(name, base + p, "damaged table entry", unit="byte")
        key = key[:shared] + block[p3:p3 + fresh]
        out.append((key, block[p3 + fresh:p3 + fresh + size]))
        p = p3 + fresh + size
    return out


def _fields(buf, name, where):
    """`message_fields` of a bundle entry, with a ParseError naming the file."""
    try:
        return message_fields(buf)
    except ValueError:
        raise ParseError(name, where, "damaged bundle entry", unit="byte") from None


def _shape(buf, name, where):
    dims = _fields(buf, name, where).get(2, [])
    return tuple(_fields(d, name, where).get(1, [0])[0] for d in dims)


def _variable(key, value, name, where):
    f = _fields(value, name, where)
    first = lambda n, default=0: f.get(n, [default])[0]  # noqa: E731 (proto3: absent means default)
    try:
        var_name = key.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(name, where, "variable name is not UTF-8", unit="byte") from None
    return Variable(var_name, first(1), _shape(first(2, b""), name, where), first(3), first(4), first(5),
                    first(6), 7 in f)


def read_index(data, name="model.ckpt.index"):
    """Parse a checkpoint's ``.index`` file.

    Parameters
    ----------
    data : bytes-like, the whole file.
    name : str, the file name used in error messages.

    Returns
    -------
    Index
    """
    data = bytes(data)
    if len(data) < FOOTER or int.from_bytes(data[-8:], "little") != MAGIC:
        raise ParseError(name, None, "not a TensorFlow checkpoint index (no table footer)")
    start = len(data) - FOOTER
    _, _, p = _handle(data, start, len(data) - 8, name)  # the metaindex: unused
    off, size, _ = _handle(data, p, len(data) - 8, name)
    num_shards, variables = 1, {}
    for _, handle in _entries(_block(data, off, size, name), off, name):
        b_off, b_size, _ = _handle(handle, 0, len(handle), name)
        for key, value in _entries(_block(data, b_off, b_size, name), b_off, name):
            if key == HEADER_KEY:
                num_shards = max(1, _fields(value, name, b_off).get(1, [1])[0])
            else:
                var = _variable(key, value, name, b_off)
                variables[var.name] = var
    return Index(num_shards, variables)


def projectable(index):
    """The variables TensorBoard's projector can show: 2-D, float, stored whole, at least one row."""
    return [v for v in index.variables.values()
            if v.dtype in FLOAT_DTYPES and len(v.shape) == 2 and v.shape[0] > 0 and v.shape[1] > 0
            and not v.sliced]


def data_file(prefix, shard, num_shards):
    """The name of one data shard of checkpoint `prefix`."""
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def read_tensor(var, data, name):
    """The values of `var` from its bytes (the ``size`` bytes at ``offset`` of its shard).

    Parameters
    ----------
    var : Variable, from `read_index`.
    data : bytes-like, exactly the variable's bytes.
    name : str, the data file's name for messages.

    Returns
    -------
    (rows, cols) float32 array
    """
    if var.dtype not in FLOAT_DTYPES:
        raise ParseError(name, None, f"variable {var.name!r} is not a float tensor")
    raw = bytes(data)
    itemsize = np.dtype(FLOAT_DTYPES[var.dtype]).itemsize
    if len(raw) != var.size or var.size != int(np.prod(var.shape)) * itemsize:
        raise ParseError(name, var.offset, f"variable {var.name!r}: {len(raw)} bytes for shape "
                         f"{list(var.shape)} of {DTYPE_NAMES[var.dtype]}", unit="byte")
    if var.crc and masked_crc32c(raw) != var.crc:
        raise ParseError(name, var.offset, f"variable {var.name!r}: checksum does not match", unit="byte")
    values = np.frombuffer(raw, dtype=FLOAT_DTYPES[var.dtype])
    if var.dtype == 14:  # bfloat16: the high half of a float32
        values = (values.astype(np.uint32) << 16).view(np.float32)
    out = values.astype(np.float32).reshape(var.shape)
    if not np.isfinite(out).all():
        row = int(np.argwhere(~np.isfinite(out))[0][0])
        raise ParseError(name, row + 1, f"variable {var.name!r} has a value that is not finite", unit="row")
    return out


def latest_prefix(text, name="checkpoint"):
    """The ``model_checkpoint_path`` of a ``checkpoint`` state file (protobuf text), or None."""
    paths = pbtxt.parse_message(text_of(text, name), name).get("model_checkpoint_path", [])
    return str(paths[-1][0]) or None if paths else None
