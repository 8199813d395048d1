"""Records -> typed items: scalars decoded with numpy (`scalars`), the rest with protobuf
(`protobuf_decode`, imported only when a batch needs it).

Every item carries an order key ``record << 20 | position in the Summary`` so
items from both paths interleave exactly as they were written.
"""

from types import MappingProxyType

import numpy as np

from . import scalars
from .items import Items, first_meta
from .records import HEADER
from .values import SummaryInfo
from .wire import LEN, VARINT, tokenize

VALUE_BITS = scalars.VALUE_BITS  # order = record << VALUE_BITS | value index


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


def _infos(metas):
    """SummaryInfo of each serialized SummaryMetadata, or the reason it can't be read (a str)."""
    infos = [metadata_info(m) for m in metas]
    if any(info is None for info in infos):  # unusual bytes: let protobuf read them
        from .protobuf_decode import try_parse_metadata
        infos = [info or try_parse_metadata(m) for info, m in zip(infos, metas)]
    return infos


def _drop_bad_metadata(fb, infos, starts):
    """Keep the fast values whose metadata could be read; (kept indices, errors) of `fb`'s values."""
    bad = np.array([isinstance(info, str) for info in infos] + [False], dtype=bool)  # [-1]: no metadata
    skip = np.flatnonzero(bad[fb.meta])
    errors = [(int(starts[fb.rec[k]]) - HEADER, f"summary value {int(fb.index[k])} skipped ({infos[fb.meta[k]]})")
              for k in skip.tolist()]
    return np.flatnonzero(~bad[fb.meta]), errors


def _fast_items(fb, first_record, starts):
    """Items from the fast path's arrays (no protobuf except each distinct metadata once)."""
    infos = _infos(fb.metas)
    keep, errors = _drop_bad_metadata(fb, infos, starts)
    rec, index, tag, meta = fb.rec[keep], fb.index[keep], fb.tag[keep], fb.meta[keep]
    # int64 throughout: numpy's intp is int32 in wasm, and record << 20 passes 2**31 at record 2048
    order = ((np.int64(first_record) + rec.astype(np.int64)) << VALUE_BITS) | index.astype(np.int64)
    items = Items(num_order=order, num_tag=tag, num_step=fb.step[rec], num_wall=fb.wall_time[rec],
                  num_value=fb.value[keep], num_source=fb.kind[keep], tags=list(fb.tags),
                  errors=fb.errors + errors, renamed={name: at for at, name in reversed(fb.renamed)})  # the first wins
    has = np.flatnonzero(meta >= 0)
    _, first = np.unique(tag[has], return_index=True)  # values are in file order
    for k in has[first].tolist():
        first_meta(items.metadata, fb.tags[tag[k]], int(order[k]), infos[meta[k]])
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
    fb = scalars.decode(arr, starts, lengths)
    items = _fast_items(fb, first_record, starts)
    if fb.slow_values.size or fb.slow_records.size:
        from .protobuf_decode import decode_slow
        items = decode_slow(items, fb, arr, starts, lengths, first_record)
    return items
