"""The hot path: scalar Events decoded for a whole batch of records with numpy.

Most records of a real log are one scalar each: ``Event{wall_time, step,
summary{value{tag, simple_value | tensor{scalar float/double}, metadata?}}}``.
These are read field by field with `wire.tokenize`, never building protobuf
objects. Anything else -- a record with other Event fields (graphs, run
metadata), a value that is not a float/double scalar (histograms,
images, text, ...) or any surprise in the bytes -- is listed for the protobuf
runtime (`slow_records`, `slow_values`), which gives identical results, slower.
One exception: a tag that is not UTF-8 makes protobuf reject its value, while
here the value is kept under an escaped name (see `_decode_tags`).
"""

from dataclasses import dataclass, field

import numpy as np

from . import scalar_layouts
from .records import HEADER
from .spans import unique_spans
from .wire import FIXED32, FIXED64, LEN, VARINT, read_fixed, tokenize

SIMPLE, TENSOR_F32, TENSOR_F64 = 0, 1, 2  # fast values: simple_value, or a float/double scalar tensor
_DT_FLOAT, _DT_DOUBLE = 1, 2
VALUE_BITS = 20  # items are ordered by record << VALUE_BITS | value index
MAX_VALUES = 1 << VALUE_BITS  # values kept per record
_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_SCALAR_TENSOR_MAX = 64  # bytes; a larger TensorProto is never read as a scalar here


@dataclass
class FastBatch:
    """What the fast path made of a batch of records.

    Attributes
    ----------
    wall_time : (n,) float64
    step : (n,) int64
        Of every record (meaningless for `slow_records`).
    slow_records : (r,) int64
        Records to decode whole with protobuf.
    rec, index : (m,) int64
        Record and position in its Summary of each fast value.
    tag, meta : (m,) int64
        Indices into `tags` and `metas` (-1: no metadata).
    kind : (m,) int8
        SIMPLE, TENSOR_F32 or TENSOR_F64.
    value : (m,) float64
    slow_values : (v, 4) int64
        ``rec, index, start, end`` of values to decode with protobuf.
    tags : list of str
    metas : list of bytes
        Serialized SummaryMetadata, each distinct one once.
    errors : list of (int, str)
        Values skipped: offset of their record (relative to the batch), and why.
    renamed : list of (int, str)
        Tags that were not valid UTF-8: offset of the first record holding one
        (relative to the batch) and the name it is shown under.
    """

    wall_time: np.ndarray
    step: np.ndarray
    slow_records: np.ndarray
    rec: np.ndarray
    index: np.ndarray
    tag: np.ndarray
    meta: np.ndarray
    kind: np.ndarray
    value: np.ndarray
    slow_values: np.ndarray
    tags: list
    metas: list
    errors: list = field(default_factory=list)
    renamed: list = field(default_factory=list)


def _once(tokens, idx, n):
    """(n,) bool: lanes where the picked field occurs more than once (ambiguous: go slow)."""
    return np.bincount(tokens.lane[idx].astype(np.intp), minlength=n) > 1  # intp: int32 in wasm


def _unexpected(tokens, allowed, n):
    """(n,) bool: lanes with a field outside `allowed` ((number, wire) pairs), or invalid bytes."""
    known = np.zeros(tokens.lane.size, dtype=bool)
    for number, wire in allowed:
        known |= (tokens.number == number) & (tokens.wire == wire)
    out = tokens.bad.copy()
    out[tokens.lane[~known]] = True
    return out


def _events(arr, starts, ends):
    """wall_time, step, summary span and "slow" flag of each Event.

    file_version, log_message, session_log and source_metadata hold no data
    to show, so an Event with only those is fast (and yields nothing); next to
    a summary they go slow, as protobuf's oneof rules decide which one counts.
    """
    n = starts.size
    t = tokenize(arr, starts, ends)
    slow = _unexpected(t, ((1, FIXED64), (2, VARINT), (5, LEN), (3, LEN), (6, LEN), (7, LEN), (10, LEN)), n)
    other = t.lane[np.isin(t.number, (3, 6, 7))]
    has_summary = np.zeros(n, dtype=bool)
    has_summary[t.lane[t.pick(5, LEN)]] = True
    slow[other[has_summary[other]]] = True
    wall = np.zeros(n)
    step = np.zeros(n, dtype=np.int64)
    span = np.full((n, 2), -1, dtype=np.int64)
    for number, wire in ((1, FIXED64), (2, VARINT), (5, LEN)):
        idx = t.pick(number, wire)
        slow |= _once(t, idx, n)
        lane = t.lane[idx]
        if number == 1:
            wall[lane] = read_fixed(arr, t.pos[idx], "<f8")
        elif number == 2:
            step[lane] = t.value[idx].view(np.int64)
        else:
            span[lane, 0], span[lane, 1] = t.pos[idx], t.pos[idx] + t.size[idx]
    return wall, step, span, slow


def _values(arr, span, slow):
    """rec, index, start, end of each Summary.Value of the fast records; marks odd summaries slow."""
    recs = np.flatnonzero((span[:, 0] >= 0) & ~slow).astype(np.int64)  # intp is int32 in wasm
    t = tokenize(arr, span[recs, 0], span[recs, 1])
    odd = _unexpected(t, ((1, LEN),), recs.size)
    slow[recs[odd]] = True
    keep = ~odd[t.lane]
    rec = recs[t.lane[keep]]
    table = np.stack([rec, t.order[keep], t.pos[keep], t.pos[keep] + t.size[keep]], axis=1)
    return table[np.lexsort((table[:, 1], table[:, 0]))]


def _cap_values(vals, starts):
    """Drop the values past the first `MAX_VALUES` of a record (their order keys would spill into the next)."""
    over = vals[:, 1] >= MAX_VALUES
    if not over.any():
        return vals, []
    recs, counts = np.unique(vals[over, 0], return_counts=True)
    errors = [(int(starts[r]) - HEADER, f"{n} summary values past the first {MAX_VALUES} skipped")
              for r, n in zip(recs.tolist(), counts.tolist())]
    return vals[~over], errors


def _value_fields(arr, vals):
    """Tag, simple_value, tensor and metadata spans of each value; flags values to go slow."""
    m = vals.shape[0]
    t = tokenize(arr, vals[:, 2], vals[:, 3])
    fields = {(1, LEN): "tag", (2, FIXED32): "simple", (8, LEN): "tensor", (9, LEN): "meta"}
    slow = _unexpected(t, fields, m)
    spans = {}
    for key, name in fields.items():
        idx = t.pick(*key)
        slow |= _once(t, idx, m)
        spans[name] = np.full((m, 2), -1, dtype=np.int64)
        spans[name][t.lane[idx]] = np.stack([t.pos[idx], t.size[idx]], axis=1)
    has_simple, has_tensor = spans["simple"][:, 0] >= 0, spans["tensor"][:, 0] >= 0
    slow |= has_simple == has_tensor  # neither (metadata only, images, ...) or both
    return spans, slow


def _tensor_scalars(arr, tspan):
    """Value (as float64), DataType code and "slow" flag of each scalar float/double TensorProto."""
    n = tspan.shape[0]
    t = tokenize(arr, tspan[:, 0], tspan[:, 0] + tspan[:, 1])
    sources = ((4, LEN), (5, LEN), (5, FIXED32), (6, LEN), (6, FIXED64))
    slow = _unexpected(t, ((1, VARINT), (2, LEN), (3, VARINT)) + sources, n)
    dtype = np.zeros(n, dtype=np.int64)
    idx = t.pick(1, VARINT)
    slow |= _once(t, idx, n)
    dtype[t.lane[idx]] = t.value[idx].astype(np.int64)
    shape = t.pick(2, LEN)
    slow[t.lane[shape[t.size[shape] > 0]]] = True  # any dimension: not a scalar
    src = np.flatnonzero(np.isin(t.number, (4, 5, 6)))
    slow |= np.bincount(t.lane[src].astype(np.intp), minlength=n) != 1  # exactly one place holds the value
    value = np.zeros(n)
    read = np.zeros(n, dtype=bool)
    lane, number, size = t.lane[src], t.number[src], t.size[src]
    for code, fmt, typed_val in ((_DT_FLOAT, "<f4", 5), (_DT_DOUBLE, "<f8", 6)):
        width = np.dtype(fmt).itemsize
        m = (dtype[lane] == code) & (size == width) & ((number == 4) | (number == typed_val))
        value[lane[m]] = read_fixed(arr, t.pos[src][m], fmt)
        read[lane[m]] = True
    slow |= ~read  # another dtype, a wrong width, or float_val of a double tensor
    return value, dtype, slow


def _decode_tags(arr, tag_span, fast):
    """Tag ids and names (each distinct name once), and the values whose tag was not UTF-8.

    Protobuf rejects a Value whose tag is not UTF-8; here the value is kept under
    its tag with the bad bytes escaped (bytes 61 ff show as the four characters
    ``a\\xff``), so distinct byte strings keep distinct series. Only a valid tag
    that spells out the same escape shares the name: ids are merged, never shifted.

    Returns
    -------
    ids : (n,) int64
    tags : list of str
    bad : (k,) int64
        The first value of each tag that was not UTF-8, among the `fast` ones.
    """
    size = np.where(tag_span[:, 0] >= 0, tag_span[:, 1], 0)
    ids, raw = unique_spans(arr, np.maximum(tag_span[:, 0], 0), size)
    names, bad = [], []
    for k, b in enumerate(raw):
        try:
            names.append(b.decode("utf-8"))
        except UnicodeDecodeError:
            names.append(b.decode("utf-8", "backslashreplace"))
            bad.append(k)
    tags = list(dict.fromkeys(names))
    index = {t: i for i, t in enumerate(tags)}
    remap = np.array([index[t] for t in names], dtype=np.int64)
    hit = np.flatnonzero(np.isin(ids, bad) & fast).astype(np.int64)  # slow values get protobuf's warning
    first = hit[np.unique(ids[hit], return_index=True)[1]]
    return remap[ids] if ids.size else ids, tags, first


def _generic_values(arr, vals):
    """Columns of the values `vals` (rec, index, start, end rows) read field by field."""
    spans, slow = _value_fields(arr, vals)
    # A scalar TensorProto is a few bytes (dtype, empty shape, one value); bigger ones go to
    # protobuf untokenized, since tokenizing walks field by field (10**7 strings took minutes)
    slow |= spans["tensor"][:, 1] > _SCALAR_TENSOR_MAX
    tensors = np.flatnonzero(~slow & (spans["tensor"][:, 0] >= 0))
    tvalue, tdtype, tslow = _tensor_scalars(arr, spans["tensor"][tensors])
    slow[tensors[tslow]] = True
    kind = np.full(vals.shape[0], SIMPLE, dtype=np.int8)
    kind[tensors] = np.where(tdtype == _DT_DOUBLE, TENSOR_F64, TENSOR_F32)
    value = np.zeros(vals.shape[0])
    simple = np.flatnonzero(~slow & (spans["simple"][:, 0] >= 0))
    value[simple] = read_fixed(arr, spans["simple"][simple, 0], "<f4")
    value[tensors] = tvalue
    return {"rec": vals[:, 0], "index": vals[:, 1], "span": vals[:, 2:4], "tag": spans["tag"],
            "meta": spans["meta"], "kind": kind, "value": value, "slow": slow}


def _matched_values(m, ends):
    """The same columns for the records that matched a template (one value each, at index 0)."""
    hit = np.flatnonzero(m.ok).astype(np.int64)  # intp is int32 in wasm: order keys shift it by 20
    span = np.stack([m.tag[hit, 0] - 2, ends[hit]], axis=1)  # the Value starts at its tag field
    return {"rec": hit, "index": np.zeros(hit.size, np.int64), "span": span, "tag": m.tag[hit],
            "meta": m.meta[hit], "kind": m.kind[hit], "value": m.value[hit],
            "slow": np.zeros(hit.size, dtype=bool)}


def decode(arr, starts, lengths):
    """Decode the scalar records of a batch; list the rest for protobuf.

    Parameters
    ----------
    arr : (N,) uint8
    starts, lengths : (n,) int64
        Each record's data (CRCs already checked).

    Returns
    -------
    FastBatch
    """
    ends = starts + lengths
    m = scalar_layouts.match(arr, starts, ends)
    wall, step, slow_rec = m.wall_time, m.step, np.zeros(starts.size, dtype=bool)
    rest = np.flatnonzero(~m.ok)
    span = np.full((starts.size, 2), -1, dtype=np.int64)
    wall[rest], step[rest], span[rest], slow_rec[rest] = _events(arr, starts[rest], ends[rest])
    vals, errors = _cap_values(_values(arr, span, slow_rec), starts)
    parts = [p for p in (_generic_values(arr, vals[~slow_rec[vals[:, 0]]]), _matched_values(m, ends))
             if p["rec"].size] or [_matched_values(m, ends)]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if len(parts) > 1 else parts[0]
    if len(parts) > 1:  # two runs, each in file order: merge them
        order = np.argsort((cols["rec"].astype(np.int64) << 20) | cols["index"], kind="stable")
        cols = {k: v[order] for k, v in cols.items()}
    slow = cols["slow"]
    tag, tags, renamed = _decode_tags(arr, cols["tag"], ~slow)
    has_meta = cols["meta"][:, 0] >= 0
    meta = np.full(slow.size, -1, dtype=np.int64)
    meta[has_meta], metas = unique_spans(arr, cols["meta"][has_meta, 0], cols["meta"][has_meta, 1])
    fast = ~slow
    slow_values = np.concatenate([cols["rec"][slow, None], cols["index"][slow, None], cols["span"][slow]], axis=1)
    return FastBatch(
        wall_time=wall, step=step, slow_records=np.flatnonzero(slow_rec),
        rec=cols["rec"][fast], index=cols["index"][fast], tag=tag[fast], meta=meta[fast],
        kind=cols["kind"][fast], value=cols["value"][fast], slow_values=slow_values, tags=tags, metas=metas,
        errors=errors, renamed=[(int(starts[r]) - HEADER, tags[t]) for r, t in zip(cols["rec"][renamed].tolist(), tag[renamed].tolist())])
