"""What has been read of each event file, and a run's series built from its files.

A file keeps raw items (numbers as arrays, everything else as typed objects)
under order keys. A run's view is made on demand by walking its files in order:
only then is each tag's plugin known for sure (metadata may come with any
value, first one wins), and so which kind each tensor value is.
"""

from types import MappingProxyType

import numpy as np

from .decode import decode_batch
from .scalars import SIMPLE, TENSOR_F64, VALUE_BITS
from .records import frame, incomplete_tail
from .values import (KINDS, Audio, GraphData, Histogram, Image, PrCurve, RunMetadata, Series, Tensor,
                     Text)

_GRAPH_PLUGINS = MappingProxyType({"graph_run_metadata_graph": "run_metadata_graph",
                                   "graph_keras_model": "keras_model"})


class FileStore:
    """One event file: its read position and everything decoded from it so far.

    Attributes
    ----------
    path : str
        Relative to the log directory, "/"-separated.
    offset : int
        File offset where complete records end (reading resumes there).
    size : int
        Bytes received so far (`offset` plus an incomplete record kept aside).
    records : int
        Good records read.
    stopped : bool
        True after unreadable bytes: later bytes of this file are ignored.
    warnings : list of str
    tail : str or None
        While the bytes end inside a record: its offset and size. A file
        being written is read in pieces that often end so; `notes` reports it
        only when the file was cut short (`stopped`) or the bytes are no Event.
    """

    def __init__(self, path):
        self.path = path
        self.offset = self.size = self.records = 0
        self.stopped = False
        self.warnings = []
        self.numbers = {}  # tag -> list of (order, step, wall, value, source) array chunks
        self.objects = {}  # tag -> list of (order, step, wall, payload, record offset in the file)
        self.metadata = {}  # tag -> SummaryInfo, the first seen
        self.tail = None  # see records.incomplete_tail
        # an incomplete record's bytes, as chunks (a long wait for its end costs no copies), and how many it needs
        self._pending, self._have, self._need, self._odd = [], 0, 0, False
        self._renamed = set()  # tags that were not valid UTF-8, already warned about

    def feed(self, data):
        """Read bytes appended to the file after everything fed before.

        Parameters
        ----------
        data : bytes-like

        Returns
        -------
        bool
            Whether anything new was decoded.
        """
        data = memoryview(data).cast("B")
        self.size += data.nbytes
        if self.stopped:
            return False
        if self._have + data.nbytes < self._need:  # still inside the incomplete record: nothing to frame
            self._pending.append(data.tobytes())
            self._have += data.nbytes
            return False
        buf = np.frombuffer(b"".join(self._pending + [data]) if self._pending else data, np.uint8)
        fr = frame(buf, base=self.offset)
        if fr.starts.size:
            self._add(decode_batch(buf, fr.starts, fr.lengths, self.records))
            self.records += fr.starts.size
        self._note(fr)
        self.tail, self._need, self._odd = (None, 0, False) if self.stopped else incomplete_tail(buf, fr.end, self.offset)
        self._pending = [buf[fr.end:].tobytes()] if self.tail else []
        self._have = buf.size - fr.end if self.tail else 0
        self.offset += fr.end
        if self.size == 0 and not self.warnings:
            self.warn("empty file")
        return bool(fr.starts.size)

    @property
    def notes(self):
        """list of str: `warnings`, and `tail` when the file ends inside a record that will not end."""
        hopeless = self.tail and (self.stopped or self._odd)
        return self.warnings + ([f"{self.path}: {self.tail}"] if hopeless else [])

    def warn(self, message):
        self.warnings.append(f"{self.path}: {message}")

    def _note(self, fr):
        if fr.bad_crc.size:
            where = ", ".join(str(int(o)) for o in fr.bad_crc[:5]) + (", ..." if fr.bad_crc.size > 5 else "")
            self.warn(f"skipped {fr.bad_crc.size} record(s) with a bad data CRC (at offset {where})")
        for message in fr.skipped:
            self.warn(message)
        if fr.problem:
            self.warn(fr.problem)
            self.stopped = True

    def _add(self, items):
        for offset, message in items.errors:
            self.warn(f"record at offset {self.offset + offset}: {message}")
        for tag, offset in items.renamed.items():
            if tag not in self._renamed:  # once per file, not once per batch
                self._renamed.add(tag)
                self.warn(f"record at offset {self.offset + offset}: tag is not valid UTF-8, shown as {tag!r}")
        if items.num_order.size:
            small = np.int16 if len(items.tags) < 2**15 else np.int64  # radix sort for small ints
            order = np.argsort(items.num_tag.astype(small), kind="stable")
            ids, first = np.unique(items.num_tag[order], return_index=True)
            cols = [getattr(items, n)[order] for n in ("num_order", "num_step", "num_wall", "num_value", "num_source")]
            for k, (tag_id, lo) in enumerate(zip(ids.tolist(), first.tolist())):
                hi = first[k + 1] if k + 1 < first.size else order.size
                chunk = tuple(c[lo:hi] for c in cols)
                self.numbers.setdefault(items.tags[tag_id], []).append(chunk)
        for order_key, tag, step, wall, payload, offset in items.objects:
            self.objects.setdefault(tag, []).append((order_key, step, wall, payload, self.offset + offset))
        for tag, (_, info) in items.metadata.items():
            self.metadata.setdefault(tag, info)


def _wav_rate(clip):
    """Sample rate from a canonical WAV header, or 0.0."""
    if len(clip) >= 28 and clip[:4] == b"RIFF" and clip[8:16] == b"WAVEfmt ":
        return float(int.from_bytes(clip[24:28], "little"))
    return 0.0


def _dimension(raw, name):
    """An image's width or height, stored as a decimal string; ValueError unless it is one."""
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw)
    # isdigit alone lets through "²" and such; a length cap keeps int() cheap and the value sane
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise ValueError(f"image {name} {text[:20]!r} is not an integer")
    return int(text)


def _audio(a):
    """Audio from a TF2 tensor of clips ([n] or [n, 2]: clip, label)."""
    if a.ndim == 2 and a.shape[1] == 0 and a.shape[0]:
        raise ValueError(f"audio tensor of shape {list(a.shape)} holds no clips")
    clips = list(a[:, 0]) if a.ndim == 2 else list(a)
    labels = [b.decode("utf-8", "replace") for b in a[:, 1]] if a.ndim == 2 and a.shape[1] > 1 else [""] * len(clips)
    rate = _wav_rate(clips[0]) if clips else 0.0
    return Audio(clips=clips, labels=labels, sample_rate=rate, content_type="audio/wav" if rate else "")


def _from_tensor(t, plugin):
    """(kind, value) of a tensor summary given its tag's plugin; ("tensors", t) when it doesn't fit.

    Raises ValueError for a tensor of the plugin's layout holding damaged values.
    """
    a = t.array
    if plugin == "scalars" and a.size == 1 and a.dtype != object:
        return "scalars", float(a.reshape(-1)[0].real)
    if plugin == "histograms" and a.dtype != object and a.size % 3 == 0:
        return "histograms", Histogram(buckets=Histogram.check(a.astype(np.float64).reshape(-1, 3)))
    if plugin == "pr_curves" and a.dtype != object and a.ndim == 2 and a.shape[0] == 6 and a.shape[1] >= 1:
        values = a.astype(np.float64)
        if not np.isfinite(values).all():
            raise ValueError("pr_curves tensor holds a value that is not finite")
        return "pr_curves", PrCurve(values=values)
    if a.dtype != object:
        return "tensors", t
    flat = a.reshape(-1)
    if plugin == "images" and flat.size >= 2:
        return "images", Image(width=_dimension(flat[0], "width"), height=_dimension(flat[1], "height"),
                               images=list(flat[2:]))
    if plugin == "audio" and a.ndim in (1, 2):
        return "audio", _audio(a)
    if plugin == "text":
        text = np.empty(a.shape, dtype=object)
        text.reshape(-1)[:] = [b.decode("utf-8", "replace") for b in flat]
        return "text", Text(array=text)
    if plugin in _GRAPH_PLUGINS and flat.size == 1:
        return "graph", GraphData(bytes(flat[0]), _GRAPH_PLUGINS[plugin])
    if plugin == "graph_run_metadata" and flat.size == 1:
        return "run_metadata", RunMetadata(bytes(flat[0]))
    return "tensors", t


def classify(payload, plugin):
    """The kind of one decoded object and the value to show for it."""
    for cls, kind in ((Histogram, "histograms"), (Image, "images"), (Audio, "audio"),
                      (GraphData, "graph"), (RunMetadata, "run_metadata")):
        if isinstance(payload, cls):
            return kind, payload
    try:
        return _from_tensor(payload, plugin)
    except (TypeError, IndexError) as exc:  # a layout the plugin can't use: skipped with a warning by the caller
        raise ValueError(f"a {plugin} tensor of an unexpected layout ({exc})") from exc


class _Parts:
    """Points of one (kind, tag) gathered file by file, each part sorted by order key."""

    def __init__(self):
        self.parts = []  # (order, step, wall, values) per file

    def add(self, order, step, wall, values):
        self.parts.append((order, step, wall, values))

    def series(self, run, tag, kind, metadata):
        steps = np.concatenate([p[1] for p in self.parts])
        walls = np.concatenate([p[2] for p in self.parts])
        if kind == "scalars":
            values = np.concatenate([np.asarray(p[3], np.float64) for p in self.parts])
        else:
            values = [v for p in self.parts for v in p[3]]
        return Series(run=run, tag=tag, kind=kind, steps=steps, wall_times=walls, values=values,
                      metadata=metadata)


def _number_parts(f, plugin_of):
    """{(kind, tag): (order, step, wall, values)} from a file's numbers: scalars, or 0-d tensors."""
    out = {}
    for tag, chunks in f.numbers.items():
        order, step, wall, value, source = (np.concatenate(c) for c in zip(*chunks))
        scalar = (source == SIMPLE) | (plugin_of(tag) == "scalars")
        out[("scalars", tag)] = (order[scalar], step[scalar], wall[scalar], value[scalar])
        rest = np.flatnonzero(~scalar)
        if rest.size:  # scalar tensors of another plugin (or none): keep them as tensors
            tensors = [Tensor(np.array(value[i], np.float64 if source[i] == TENSOR_F64 else np.float32),
                              "DT_DOUBLE" if source[i] == TENSOR_F64 else "DT_FLOAT") for i in rest]
            out[("tensors", tag)] = (order[rest], step[rest], wall[rest], tensors)
    return out


def _object_parts(f, plugin_of, warnings):
    """{(kind, tag): (order, step, wall, values)} from a file's objects, classified by plugin.

    A value its plugin can't use is left out, with a warning appended to `warnings`.
    """
    out = {}
    for tag, objs in f.objects.items():
        for order_key, step, wall, payload, offset in objs:
            try:
                kind, value = classify(payload, plugin_of(tag))
            except ValueError as exc:
                index = order_key & ((1 << VALUE_BITS) - 1)
                warnings.append(f"{f.path}: record at offset {offset}: summary value {index} of tag {tag!r} "
                                f"skipped ({exc})")
                continue
            columns = out.setdefault((kind, tag), ([], [], [], []))
            for column, item in zip(columns, (order_key, step, wall, value)):
                column.append(item)
    return out


def _file_parts(f, plugin_of, warnings):
    """{(kind, tag): (order, step, wall, values)} for one file, each sorted by order key."""
    numbers, objects = _number_parts(f, plugin_of), _object_parts(f, plugin_of, warnings)
    out = {}
    for key in set(numbers) | set(objects):
        parts = [p for p in (numbers.get(key), objects.get(key)) if p is not None]
        order = np.concatenate([np.asarray(p[0], np.int64) for p in parts])
        step = np.concatenate([np.asarray(p[1], np.int64) for p in parts])
        wall = np.concatenate([np.asarray(p[2], np.float64) for p in parts])
        if key[0] == "scalars":
            values = np.concatenate([np.asarray(p[3], np.float64) for p in parts])
        else:
            values = [v for p in parts for v in p[3]]
        if len(parts) > 1 or (order.size > 1 and np.any(order[1:] < order[:-1])):
            idx = np.argsort(order, kind="stable")
            order, step, wall = order[idx], step[idx], wall[idx]
            values = values[idx] if isinstance(values, np.ndarray) else [values[i] for i in idx]
        out[key] = (order, step, wall, values)
    return out


def build_run(run, files):
    """Every series of one run.

    Parameters
    ----------
    run : str
    files : list of FileStore
        The run's files, in reading order.

    Returns
    -------
    series : dict of str to dict of str to Series
        ``series[kind][tag]``, every kind of `KINDS` present (possibly empty).
    metadata : dict of str to SummaryInfo
        The first metadata of each tag in the run.
    warnings : list of str
        Values left out because their tag's plugin can't use them, each naming
        its file and record offset.
    """
    metadata = {}
    for f in files:
        for tag, info in f.metadata.items():
            metadata.setdefault(tag, info)
    plugin_of = lambda tag: metadata[tag].plugin_name if tag in metadata else None  # noqa: E731
    gathered, warnings = {}, []
    for f in files:
        for key, part in _file_parts(f, plugin_of, warnings).items():
            gathered.setdefault(key, _Parts()).add(*part)
    series = {kind: {} for kind in KINDS}
    for (kind, tag), parts in sorted(gathered.items()):
        series[kind][tag] = parts.series(run, tag, kind, metadata.get(tag))
    return series, metadata, warnings
