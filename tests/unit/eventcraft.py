"""Crafting event files for the hostile-input tests: raw wire bytes, TensorBoard's RecordWriter.

Records are built as raw wire bytes where protobuf would refuse to write them
(tags or metadata that are not UTF-8, truncated metadata, lying headers).
"""

import struct

import numpy as np
from nnlab.events.crc import masked_crc32c

from tensorboard.backend.event_processing import event_accumulator as ea_mod  # noqa: E402
from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

NAME = "events.out.tfevents.1.host"


def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def len_field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def value(tag, simple, meta=None):
    """Summary.Value bytes: tag (bytes), simple_value, optional raw SummaryMetadata bytes."""
    out = len_field(1, tag) + b"\x15" + struct.pack("<f", simple)
    return out + (len_field(9, meta) if meta is not None else b"")


def event(step, values, wall=None):
    """Event bytes holding a Summary of the given Value bytes."""
    head = b"\x09" + struct.pack("<d", 1000.0 + step if wall is None else wall) + b"\x10" + varint(step)
    return head + len_field(5, b"".join(len_field(1, v) for v in values))


def histogram_value(tag=b"h"):
    """A Value holding a histogram: read by protobuf, not the fast path."""
    histo = b"\x09" + struct.pack("<d", 0.0) + b"\x11" + struct.pack("<d", 1.0) + b"\x19" + struct.pack("<d", 3.0)
    histo += len_field(6, struct.pack("<d", 1.0)) + len_field(7, struct.pack("<d", 3.0))
    return len_field(1, tag) + len_field(5, histo)


def write(path, datas):
    """Write records with TensorBoard's writer; returns the offset of each record."""
    with open(path, "wb") as f:
        writer = RecordWriter(f)
        for data in datas:
            writer.write(data)
    return np.cumsum([0] + [len(d) + 16 for d in datas[:-1]]).tolist()


def accumulated_scalars(path):
    acc = ea_mod.EventAccumulator(str(path), size_guidance={k: 0 for k in ea_mod.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    return {tag: ([e.step for e in acc.Scalars(tag)], [e.value for e in acc.Scalars(tag)])
            for tag in acc.Tags()["scalars"]}


def our_scalars(logs, run="."):
    out = {}
    for tag in logs.tags(run)["scalars"]:
        s = logs.scalars(run, tag)
        out[tag] = (s.steps.tolist(), s.values.astype(np.float32).tolist())
    return out


def long_tag(n=1 << 16):
    return bytes(np.random.default_rng(5).integers(97, 123, n, dtype=np.uint8))


def header(length):
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", masked_crc32c(head))
