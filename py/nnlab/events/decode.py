"""Records -> typed items: the numpy fast path for scalars, protobuf for the rest.

Every item carries an order key ``record << 20 | position in the Summary`` so
items from both paths interleave exactly as they were written.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from . import fastpath
from .values import SummaryInfo
from .wire import LEN, VARINT, tokenize

VALUE_BITS = 20  # order = record << VALUE_BITS | value index
SIMPLE, TENSOR_F32, TENSOR_F64 = fastpath.SIMPLE, fastpath.TENSOR_F32, fastpath.TENSOR_F64


@dataclass
class Items:
    """What one batch of records of one file holds.

    Attributes
    ----------
    num_order, num_step : (m,) int64
    num_tag : (m,) int64
        Index into `tags`.
    num_wall, num_value : (m,) float64
    num_source : (m,) int8
        SIMPLE (simple_value), TENSOR_F32 or TENSOR_F64 (a scalar tensor:
        a scalar only if its tag's plugin is "scalars").
    tags : list of str
    objects : list of (order, tag, step, wall_time, payload, offset)
        Payload: Histogram, Image, Audio, GraphData, RunMetadata, or Tensor
        (to be interpreted by its tag's plugin); offset of its record in the
        batch (for warnings about it).
    metadata : dict of str to (order, SummaryInfo)
        The first SummaryMetadata of each tag in this batch.
    errors : list of (offset, str)
        Records (offset relative to the batch) that were skipped.
    """

    num_order: np.ndarray
    num_tag: np.ndarray
    num_step: np.ndarray
    num_wall: np.ndarray
    num_value: np.ndarray
    num_source: np.ndarray
    tags: list
    objects: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


def first_meta(metadata, tag, order, info):
    """Keep `info` as the tag's metadata if it comes before what `metadata` holds for it."""
    if tag not in metadata or order < metadata[tag][0]:
        metadata[tag] = (order, info)


_META_FIELDS = MappingProxyType({(1, LEN): "plugin_data", (2, LEN): "display_name",
                                 (3, LEN): "description", (4, VARINT): "data_class"})
_PLUGIN_FIELDS = MappingProxyType({(1, LEN): "plugin_name", (2, LEN): "content"})


def _fields(blob, known):
    """{name: token index} of a message's fields, or None if anything is unusual."""
    arr = np.frombuffer(blob, np.uint8)
    t = tokenize(arr, np.zeros(1, np.int64), np.array([arr.size], np.int64))
    keys = list(zip(t.number.tolist(), t.wire.tolist()))
    if t.bad.any() or len(set(keys)) != len(keys) or not set(keys) <= set(known):
        return None
    return arr, t, {known[k]: i for i, k in enumerate(keys)}


def metadata_info(blob):
    """Serialized SummaryMetadata -> SummaryInfo, read without protobuf.

    Returns None when the bytes hold anything unusual (repeated or unknown
    fields, invalid UTF-8), so the caller can ask protobuf instead.
    """
    top = _fields(blob, _META_FIELDS)
    if top is None:
        return None
    arr, t, at = top
    raw = {name: arr[t.pos[i]:t.pos[i] + t.size[i]].tobytes() for name, i in at.items() if name != "data_class"}
    plugin = _fields(raw.get("plugin_data", b""), _PLUGIN_FIELDS)
    if plugin is None:
        return None
    parr, pt, pat = plugin
    inner = {name: parr[pt.pos[i]:pt.pos[i] + pt.size[i]].tobytes() for name, i in pat.items()}
    try:
        return SummaryInfo(plugin_name=inner.get("plugin_name", b"").decode("utf-8"),
                           content=inner.get("content", b""),
                           display_name=raw.get("display_name", b"").decode("utf-8"),
                           description=raw.get("description", b"").decode("utf-8"),
                           data_class=int(t.value[at["data_class"]]) if "data_class" in at else 0)
    except UnicodeDecodeError:
        return None


def _fast_items(fb, first_record):
    """Items from the fast path's arrays (no protobuf except each distinct metadata once)."""
    # int64 throughout: numpy's intp is int32 in wasm, and record << 20 passes 2**31 at record 2048
    order = ((np.int64(first_record) + fb.rec.astype(np.int64)) << VALUE_BITS) | fb.index.astype(np.int64)
    items = Items(num_order=order, num_tag=fb.tag, num_step=fb.step[fb.rec],
                  num_wall=fb.wall_time[fb.rec], num_value=fb.value, num_source=fb.kind,
                  tags=list(fb.tags))
    infos = [metadata_info(m) for m in fb.metas]
    if any(info is None for info in infos):  # unusual bytes: let protobuf read them
        from .slow import parse_metadata
        infos = [info or parse_metadata(m) for info, m in zip(infos, fb.metas)]
    has = np.flatnonzero(fb.meta >= 0)
    _, first = np.unique(fb.tag[has], return_index=True)  # values are in file order
    for k in has[first].tolist():
        first_meta(items.metadata, fb.tags[fb.tag[k]], int(order[k]), infos[fb.meta[k]])
    return items


def decode_batch(arr, starts, lengths, first_record=0):
    """Decode a batch of records whose CRCs were checked.

    Parameters
    ----------
    arr : (N,) uint8
    starts, lengths : (n,) int64
        Each record's data in `arr`.
    first_record : int
        Number of records of this file before this batch (for order keys).

    Returns
    -------
    Items
    """
    fb = fastpath.decode(arr, starts, lengths)
    items = _fast_items(fb, first_record)
    if fb.slow_values.size or fb.slow_records.size:
        from .slow import decode_slow
        items = decode_slow(items, fb, arr, starts, lengths, first_record)
    return items
