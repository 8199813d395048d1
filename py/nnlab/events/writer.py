"""Writing TensorBoard event files: protobuf wire encoding by hand, TFRecord framing from `records`.

What a writer appends, message by message (field numbers of TensorBoard's protos)::

    Event { double wall_time = 1; int64 step = 2; string file_version = 3;
            bytes graph_def = 4; Summary summary = 5 }
    Summary { repeated Value value = 1 }
    Value { string tag = 1; float simple_value = 2; Image image = 4;
            HistogramProto histo = 5; SummaryMetadata metadata = 9 }
    Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4 }
    HistogramProto { double min = 1; max = 2; num = 3; sum = 4; sum_squares = 5;
                     repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed] }
    SummaryMetadata { PluginData plugin_data = 1 { string plugin_name = 1; bytes content = 2 } }
    GraphDef { repeated NodeDef node = 1 }
    NodeDef { string name = 1; string op = 2; repeated string input = 3; map<string, AttrValue> attr = 5 }
    AttrValue { ListValue list = 1 { repeated TensorShapeProto shape = 7 } }
    TensorShapeProto { repeated Dim dim = 2 { int64 size = 1 } }

No protobuf package: the Playground writes its logs in the browser without loading it.
"""

import struct
import time

import numpy as np

from .records import encode

FILE_VERSION = "brain.Event:2"
VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5


def varint(n):
    """Base-128 varint of an int (negative ints as their 64-bit two's complement)."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, wire, payload):
    """One field: its key, then the payload (length-prefixed for BYTES)."""
    key = varint(number << 3 | wire)
    return key + (varint(len(payload)) + payload if wire == BYTES else payload)


def vint(number, value):
    return field(number, VARINT, varint(int(value)))


def double(number, value):
    return field(number, FIXED64, struct.pack("<d", float(value)))


def float32(number, value):
    return field(number, FIXED32, struct.pack("<f", float(value)))


def string(number, value):
    return field(number, BYTES, value.encode() if isinstance(value, str) else bytes(value))


def packed_doubles(number, values):
    return field(number, BYTES, np.asarray(values, "<f8").tobytes())


def plugin_metadata(plugin, content=b""):
    """SummaryMetadata naming the plugin that reads a value."""
    return string(9, string(1, string(1, plugin) + string(2, content)))


def scalar_value(tag, value):
    return string(1, tag) + float32(2, value)


def histogram_value(tag, values, bins=30):
    """A HistogramProto of `values` (any shape; non-finite ones are left out) in `bins` equal buckets."""
    v = np.asarray(values, np.float64).ravel()
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 0.0)
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi if hi > lo else lo + 1e-12))
    histo = (double(1, lo) + double(2, hi) + double(3, v.size) + double(4, v.sum()) + double(5, (v * v).sum())
             + packed_doubles(6, edges[1:]) + packed_doubles(7, counts))
    return string(1, tag) + string(5, histo)


def image_value(tag, png, height, width, channels=3):
    return string(1, tag) + string(4, vint(1, height) + vint(2, width) + vint(3, channels) + string(4, png))


def event(step, wall_time=None, **fields):
    """An Event: `summary` (a list of encoded Values), `graph_def` or `file_version`."""
    out = double(1, time.time() if wall_time is None else wall_time) + vint(2, step)
    if "file_version" in fields:
        out += string(3, fields["file_version"])
    if "graph_def" in fields:
        out += string(4, fields["graph_def"])
    if "summary" in fields:
        out += string(5, b"".join(string(1, v) for v in fields["summary"]))
    return out


def node(name, op, inputs=(), shape=None):
    """A GraphDef NodeDef; `shape` (a list of ints, -1 for the batch) goes in attr "_output_shapes"
    (an AttrValue whose list = 1 holds shape = 7 TensorShapeProtos)."""
    out = string(1, name) + string(2, op) + b"".join(string(3, i) for i in inputs)
    if shape is not None:
        dims = b"".join(string(2, vint(1, d)) for d in shape)
        out += string(5, string(1, "_output_shapes") + string(2, string(1, string(7, dims))))
    return out


def graph_def(nodes):
    return b"".join(string(1, n) for n in nodes)


class EventFile:
    """An event file built in memory: `add` appends framed records; `take` hands out what is new.

    Parameters
    ----------
    name : str
        The file's base name, ``events.out.tfevents.<seconds>.<host>`` as writers name them.
    """

    def __init__(self, name):
        self.name = name
        self.chunks = [encode(event(0, file_version=FILE_VERSION))]

    def add(self, step, **fields):
        self.chunks.append(encode(event(step, **fields)))

    def take(self):
        """The bytes appended since the last take (the first take starts at the file's beginning)."""
        out, self.chunks = b"".join(self.chunks), []
        return out


def _pb_value(v):
    """google.protobuf.Value { number_value = 2; string_value = 3; bool_value = 4 }."""
    if isinstance(v, bool):
        return vint(4, v)
    if isinstance(v, (int, float)):
        return double(2, v)
    return string(3, str(v))


def hparams_values(hparams, metrics, start_time):
    """The hparams plugin's two Values (tags as TensorBoard's writers name them): the experiment
    (`hparams` names, `metrics` scalar tags) and this run's session_start_info.

    HParamsPluginData { version = 1; experiment = 2 { hparam_infos = 4 { name = 1 };
    metric_infos = 5 { name = 1 { tag = 2 } } }; session_start_info = 3 { hparams = 1 (map);
    start_time_secs = 5 } }. The Values carry metadata only (as torch and tensorboardX write them).
    """
    experiment = (b"".join(string(4, string(1, k)) for k in hparams)
                  + b"".join(string(5, string(1, string(2, m))) for m in metrics))
    entries = b"".join(string(1, string(1, k) + string(2, _pb_value(v))) for k, v in hparams.items())
    return [string(1, "_hparams_/experiment") + plugin_metadata("hparams", vint(1, 0) + string(2, experiment)),
            string(1, "_hparams_/session_start_info")
            + plugin_metadata("hparams", vint(1, 0) + string(3, entries + double(5, start_time)))]
