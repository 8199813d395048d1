"""The protobuf path: records and values the numpy fast path leaves alone.

Imported only when a batch has such records, so a log of plain scalars never
loads the protobuf runtime (about a second to import in the browser).
"""

import numpy as np
from google.protobuf.message import DecodeError

from .items import first_meta
from .scalars import MAX_VALUES, SIMPLE, TENSOR_F32, TENSOR_F64, VALUE_BITS
from .proto import event_pb2, summary_pb2
from .screen import check_event, check_value
from .tensors import dtype_name, to_array
from .values import (META_GRAPH_TAG, RUN_GRAPH_TAG, Audio, GraphData, Histogram, Image,
                     RunMetadata, SummaryInfo, Tensor)

_F32, _F64 = 1, 2  # DataType codes
HEADER = 12  # bytes of a record before its data


def summary_info(meta):
    """SummaryMetadata message -> SummaryInfo."""
    return SummaryInfo(plugin_name=meta.plugin_data.plugin_name, content=meta.plugin_data.content,
                       display_name=meta.display_name, description=meta.summary_description,
                       data_class=int(meta.data_class))


def _payload(value):
    """Summary.Value -> (number, source) or (payload, None); (None, None) when it holds no data."""
    which = value.WhichOneof("value")
    if which == "simple_value":
        return value.simple_value, SIMPLE
    if which == "tensor":
        t = value.tensor
        array = to_array(t)
        if array.ndim == 0 and t.dtype in (_F32, _F64):
            return float(array), TENSOR_F32 if t.dtype == _F32 else TENSOR_F64
        return Tensor(array=array, dtype=dtype_name(t.dtype)), None
    if which == "histo":
        h = value.histo
        return Histogram.from_proto_fields(h.min, h.max, h.num, h.sum, h.sum_squares,
                                           list(h.bucket_limit), list(h.bucket)), None
    if which == "image":
        im = value.image
        return Image(width=im.width, height=im.height, images=[im.encoded_image_string],
                     colorspace=im.colorspace), None
    if which == "audio":
        a = value.audio
        return Audio(clips=[a.encoded_audio_string], labels=[""], sample_rate=a.sample_rate,
                     content_type=a.content_type, num_channels=a.num_channels,
                     length_frames=a.length_frames), None
    return None, None  # metadata only (e.g. hparams), or the obsolete old-style histogram


class _Collector:
    """Gathers the slow path's items before they join the fast path's arrays."""

    def __init__(self, items):
        self.items = items
        self.tag_ids = {t: k for k, t in enumerate(items.tags)}
        self.nums = []  # (order, tag id, step, wall, value, source)

    def value(self, order, step, wall, value, offset):
        """Add one Summary.Value message of the record at `offset`."""
        tag = value.tag or (value.node_name if value.HasField("tensor") else "")
        if value.HasField("metadata"):
            first_meta(self.items.metadata, tag, order, summary_info(value.metadata))
        payload, source = _payload(value)
        if source is not None:
            tag_id = self.tag_ids.setdefault(tag, len(self.tag_ids))
            self.nums.append((order, tag_id, step, wall, payload, source))
        elif payload is not None:
            self.items.objects.append((order, tag, step, wall, payload, offset))

    def event(self, order, event, offset):
        """Add one Event message (all of its values); `offset` of its record, for errors."""
        step, wall = event.step, event.wall_time
        which = event.WhichOneof("what")
        objects = self.items.objects
        if which == "graph_def":
            objects.append((order, RUN_GRAPH_TAG, step, wall, GraphData(event.graph_def, "graph_def"), offset))
        elif which == "meta_graph_def":
            objects.append((order, META_GRAPH_TAG, step, wall, GraphData(event.meta_graph_def, "meta_graph_def"),
                            offset))
        elif which == "tagged_run_metadata":
            trm = event.tagged_run_metadata
            objects.append((order, trm.tag, step, wall, RunMetadata(trm.run_metadata), offset))
        elif which == "summary":
            values = event.summary.value
            if len(values) > MAX_VALUES:  # order keys would spill into the next record's
                self.items.errors.append((offset, f"{len(values) - MAX_VALUES} summary values past the first "
                                                  f"{MAX_VALUES} skipped"))
            for k, value in enumerate(values[:MAX_VALUES]):
                try:
                    self.value(order + k, step, wall, value, offset)
                except ValueError as exc:  # e.g. a tensor whose values don't fill its shape
                    self.items.errors.append((offset, f"summary value {k} skipped ({exc})"))

    def record(self, offset, order, step, wall, data, parse):
        """Decode and add one record (`parse` = Event or Summary.Value parser); errors are noted."""
        what = "Event" if step is None else f"summary value {order & ((1 << VALUE_BITS) - 1)}"
        try:
            message = parse(data)
            if step is None:
                self.event(order, message, offset)
            else:
                self.value(order, step, wall, message, offset)
        except (DecodeError, ValueError) as exc:
            self.items.errors.append((offset, f"{what} skipped ({exc})"))

    def finish(self):
        """Merge the slow numbers into the item arrays, keeping file order."""
        items = self.items
        items.tags = list(self.tag_ids)
        if not self.nums:
            return items
        cols = list(zip(*self.nums))
        dtypes = (np.int64, np.int64, np.int64, np.float64, np.float64, np.int8)
        names = ("num_order", "num_tag", "num_step", "num_wall", "num_value", "num_source")
        for name, col, dtype in zip(names, cols, dtypes):
            setattr(items, name, np.concatenate([getattr(items, name), np.array(col, dtype=dtype)]))
        order = np.argsort(items.num_order, kind="stable")
        for name in names:
            setattr(items, name, getattr(items, name)[order])
        return items


def parse_metadata(blob):
    """Serialized SummaryMetadata -> SummaryInfo."""
    return summary_info(summary_pb2.SummaryMetadata.FromString(blob))


def try_parse_metadata(blob):
    """Serialized SummaryMetadata -> SummaryInfo, or why it is unreadable (a str).

    The C++ runtime raises DecodeError for truncated bytes and for strings that
    are not UTF-8; the pure-Python one (Pyodide) raises UnicodeDecodeError for
    the latter, a ValueError.
    """
    try:
        return parse_metadata(blob)
    except (DecodeError, ValueError) as exc:
        return f"unreadable SummaryMetadata: {exc}"


def _parse_value(data):
    """Serialized Summary.Value -> message, refusing huge string tensors before protobuf sees them."""
    check_value(data)
    return summary_pb2.Summary.Value.FromString(data)


def _parse_event(data):
    """Serialized Event -> message, refusing huge string tensors before protobuf sees them."""
    check_event(data)
    return event_pb2.Event.FromString(data)


def decode_slow(items, fb, arr, starts, lengths, first_record):
    """Add the records and values that `fb` (a FastBatch) left for protobuf to `items`."""
    collect = _Collector(items)
    for rec, index, s, e in fb.slow_values.tolist():
        collect.record(int(starts[rec]) - HEADER, ((first_record + rec) << VALUE_BITS) | index,
                       int(fb.step[rec]), float(fb.wall_time[rec]), arr[s:e].tobytes(),
                       _parse_value)
    for rec in fb.slow_records.tolist():
        s = int(starts[rec])
        collect.record(s - HEADER, (first_record + rec) << VALUE_BITS, None, None,
                       arr[s:s + int(lengths[rec])].tobytes(), _parse_event)
    return collect.finish()
