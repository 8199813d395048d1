"""Worker handlers of the Board page: ``fn(ctx, **params)``, see `nnlab.protocol`.

One `nnlab.events.LogdirReader` lives in ``ctx.store["board"]``. The page feeds
it file bytes (a file's start, or bytes appended since the last read) with
``board.feed``, a few MB per call so each call is one short chunk, then asks for
what the dashboards draw. Numbers cross as float64 arrays (steps included: the
page's typed arrays have no int64), encoded media as uint8 arrays.
"""

import json

import numpy as np

from ..events import KINDS, LogdirReader, is_event_file
from ..events import custom_scalars
from ..events import hparams as hparams_table
from ..projector import runfolder
from . import histograms as hist
from .graph import graph_view, step_stats_by_node
from .chart import chart
from .keras_graph import keras_graph
from .smoothing import DEFAULT_WEIGHT, smooth

STORE_KEY = "board"
CUTS_KEY = "board.cuts"  # raw lines' kept points by series and columns (see chart.chart)
MAX_CUTS = 4096


def _reader(ctx):
    reader = ctx.store.get(STORE_KEY)
    if reader is None:
        reader = ctx.store[STORE_KEY] = LogdirReader()
    return reader


def _bytes(data):
    if isinstance(data, np.ndarray):
        return data.astype(np.uint8, copy=False).tobytes()
    return bytes(data)


def event_files(ctx, paths):
    """Which of `paths` (a picked folder's files, or a server's index) are event files, in order."""
    return {"paths": [p for p in paths if is_event_file(p)]}


def embedding_configs(ctx, paths):
    """The projector configs among a log directory's `paths`, one per run that shows embeddings."""
    return {"paths": runfolder.run_configs(paths)}


def reset(ctx):
    """Forget every file read so far (a new folder is being opened)."""
    ctx.store[STORE_KEY] = LogdirReader()
    ctx.store.pop(CUTS_KEY, None)
    return {"ok": True}


def feed(ctx, files):
    """Read new bytes of some event files.

    Parameters
    ----------
    files : dict of str to (m,) uint8
        Path relative to the log directory -> bytes from the offset already read.

    Returns
    -------
    dict
        ``{"changed": [run, ...], "offsets": {path: complete-record offset}, "records": int}``
        (records: events read so far over all files).
    """
    reader = _reader(ctx)
    changed = reader.update({p: _bytes(d) for p, d in files.items()})
    ctx.store.pop(CUTS_KEY, None)  # a series that grew is cut again (its length is in the key too)
    return {"changed": changed, "offsets": reader.offsets, "records": reader.records}


def summary(ctx):
    """Runs, their tags by kind with point counts, and the reader's warnings.

    Returns
    -------
    dict
        ``{"runs": [...], "tags": {run: {kind: {tag: points}}}, "points": int,
        "warnings": [str, ...]}``; a run holding an hparams session has kind
        ``"hparams": {"session": 1}``; a run holding a custom-scalars layout has kind
        ``"custom_scalars": {category/chart: 1}`` for each chart of the merged layout.
    """
    reader = _reader(ctx)
    tags, total = {}, 0
    for run in reader.runs:
        by_kind = reader.tags(run)
        tags[run] = {k: {t: len(reader.series(run, k, t)) for t in by_kind[k]} for k in KINDS}
        total += sum(sum(v.values()) for v in tags[run].values())
    table = hparams_table.sessions(reader)
    for row in table["sessions"]:  # the HPARAMS tab counts sessions
        tags[row["run"]]["hparams"] = {"session": 1}
    charts = custom_scalars.layout(reader)
    names = {f"{cat['title']}/{chart['title']}": 1 for cat in charts["categories"] for chart in cat["charts"]}
    for run in reader.runs:  # CUSTOM SCALARS counts the merged layout's charts, on each run holding a layout
        if names and custom_scalars.CONFIG_TAG in tags[run]["tensors"]:
            tags[run]["custom_scalars"] = names
    return {"runs": reader.runs, "tags": tags, "points": total,
            "warnings": reader.warnings + table["warnings"] + charts["warnings"]}


def custom_scalars_layout(ctx):
    """The merged custom-scalars layout: see `nnlab.events.custom_scalars.layout`."""
    return custom_scalars.layout(_reader(ctx))


def hparams(ctx):
    """TensorBoard's hparams table of the logs read so far: see `nnlab.events.hparams.sessions`."""
    return hparams_table.sessions(_reader(ctx))


def _times(s):
    return {"steps": s.steps.astype(np.float64), "wall_times": s.wall_times.astype(np.float64)}


def scalars(ctx, run, tag, smoothing=DEFAULT_WEIGHT):
    """Every point of one scalar series with its smoothed twin: four (n,) float64 arrays."""
    s = _reader(ctx).scalars(run, tag)
    values = np.asarray(s.values, dtype=np.float64)
    return {**_times(s), "values": values, "smoothed": smooth(values, float(smoothing))}


def chart_series(ctx, series, smoothing=DEFAULT_WEIGHT, axis="step", geometry=None, log_y=False):
    """One SCALARS chart: each ``[run, tag]`` of `series` cut to the points the chart's columns draw.

    Parameters
    ----------
    series : list of [str, str]
    smoothing : float
    axis : str
        'step', 'relative' or 'wall'.
    geometry : dict
        The chart's ``w``, ``left`` and ``step`` (site/js/render/scalarchart.js ``columns``).
    log_y : bool

    Returns
    -------
    dict
        `nnlab.board.chart.chart`'s result; a series that cannot be read is ``{"error": message}``
        in its place, and the others are drawn.
    """
    reader = _reader(ctx)
    found, errors = [], {}
    for i, (run, tag) in enumerate(series):
        try:
            found.append(reader.scalars(run, tag))
        except (KeyError, ValueError) as exc:
            errors[i] = str(exc.args[0] if exc.args else exc)
    cuts = ctx.store.setdefault(CUTS_KEY, {})
    if len(cuts) > MAX_CUTS:  # bounded: the cards of a few geometries
        cuts.clear()
    drawn = chart(found, float(smoothing), axis, dict(geometry or {}), bool(log_y), cuts)
    parts = iter(drawn["series"])
    drawn["series"] = [{"error": errors[i]} if i in errors else next(parts) for i in range(len(series))]
    return drawn


def scalar_export(ctx, run, tag, format="csv"):
    """One series as TensorBoard's download: CSV ``Wall time,Step,Value`` or JSON ``[[wall, step, value], ...]``."""
    s = _reader(ctx).scalars(run, tag)
    rows = list(zip(s.wall_times.tolist(), s.steps.tolist(), np.asarray(s.values, dtype=np.float64).tolist()))
    if format == "json":
        return json.dumps([list(r) for r in rows], allow_nan=True)
    if format != "csv":
        raise ValueError(f"format must be 'csv' or 'json', got {format!r}")
    return "Wall time,Step,Value\n" + "".join(f"{w!r},{st},{v!r}\n" for w, st, v in rows)


def histograms(ctx, run, tag, bins=hist.BINS):
    """A histogram series for both dashboards.

    Returns
    -------
    dict
        steps, wall_times : (n,) float64; edges : (bins+1,) float64;
        counts : (n, bins) float64 (re-binned); distribution : (n, 9) float64
        (values at `BASIS_POINTS`); basis_points : list of int.
    """
    s = _reader(ctx).histograms(run, tag)
    edges, counts = hist.rebin(s.values, int(bins))
    return {**_times(s), "edges": edges, "counts": counts,
            "distribution": hist.compress_series(s.values), "basis_points": list(hist.BASIS_POINTS)}


def _u8(blob):
    return np.frombuffer(bytes(blob), dtype=np.uint8).copy()


def images(ctx, run, tag):
    """Per step: ``{"width", "height", "images": [(m,) uint8 encoded image, ...]}``."""
    s = _reader(ctx).images(run, tag)
    items = [{"width": v.width, "height": v.height, "images": [_u8(b) for b in v.images]} for v in s.values]
    return {**_times(s), "items": items}


def audio(ctx, run, tag):
    """Per step: ``{"clips": [(m,) uint8 WAV, ...], "labels", "sample_rate", "content_type"}``."""
    s = _reader(ctx).audio(run, tag)
    items = [{"clips": [_u8(c) for c in v.clips], "labels": [str(x) for x in v.labels],
              "sample_rate": float(v.sample_rate), "content_type": v.content_type or "audio/wav"}
             for v in s.values]
    return {**_times(s), "items": items}


def pr_curves(ctx, run, tag):
    """A PR-curve series: per step the (6, n) rows TP, FP, TN, FN, precision, recall.

    Returns
    -------
    dict
        steps, wall_times : (s,) float64; thresholds : (n,) float64 (of the last step);
        items : [{"tp", "fp", "tn", "fn", "precision", "recall": (n,) float64}] per step.
    """
    s = _reader(ctx).pr_curves(run, tag)
    items = [{name: np.ascontiguousarray(v.values[i]) for i, name in enumerate(v.ROWS)} for v in s.values]
    thresholds = s.values[-1].thresholds if s.values else np.zeros(0)
    return {**_times(s), "thresholds": thresholds, "items": items}


def _text(x):
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x)


def text_layout(array):
    """TensorBoard's layout of a text tensor: a scalar is one markdown text; a vector is a
    column and a matrix a table of markdown cells; a higher rank shows its first 2-D slice.

    Returns
    -------
    dict
        ``markdown`` (str, rank 0, else None), ``rows`` (list of lists of str, else None),
        ``reduced`` (True when dimensions beyond two were cut).
    """
    a = np.asarray(array, dtype=object)
    if a.ndim == 0:
        return {"markdown": _text(a.item()), "rows": None, "reduced": False}
    reduced = a.ndim > 2
    while a.ndim > 2:
        a = a[0]
    table = a.reshape(-1, 1) if a.ndim == 1 else a
    return {"markdown": None, "rows": [[_text(x) for x in row] for row in table.tolist()], "reduced": reduced}


def text(ctx, run, tag):
    """Per step: ``{"shape": [...], "strings": [str, ...]}`` (the tensor flattened) and its
    `text_layout` (the page renders the markdown through a sanitiser)."""
    s = _reader(ctx).text(run, tag)
    items = [{"shape": list(np.shape(v.array)), "strings": [_text(x) for x in np.ravel(v.array).tolist()],
              **text_layout(v.array)} for v in s.values]
    return {**_times(s), "items": items}


def graph(ctx, run, tag=None, expanded=(), metadata_tag=None):
    """A run's op graph folded by scope (see `graph.graph_view`), with statistics of one traced step.

    Returns
    -------
    dict
        ``graph_view``'s result plus ``tags`` (graph tags of the run), ``tag`` (the one shown),
        ``metadata_tags`` (run-metadata tags), ``error`` ("keras": a Keras model config has no op
        graph; "none"; "unreadable": the graph's bytes don't parse) and ``message`` (what was
        wrong, for "unreadable" and for run metadata that could not be used).
    """
    reader = _reader(ctx)
    tags = reader.tags(run)
    data = reader.graphs(run, tag).values[-1] if tag else reader.graph(run)
    if data is None and not tag and tags["graph"]:  # no op graph: the run's first graph tag (a Keras model, say)
        tag = tags["graph"][0]
        data = reader.graphs(run, tag).values[-1]
    out = {"tags": tags["graph"], "tag": tag, "metadata_tags": tags["run_metadata"], "nodes": [], "edges": [], "ops": 0,
           "error": "", "message": ""}
    try:
        gd = data.graph_def() if data is not None else None
    except ValueError as exc:  # damaged bytes: say so instead of failing the request
        return {**out, "error": "unreadable", "message": f"graph of run {run!r}: {exc}"}
    if gd is None and data is not None and data.format == "keras_model":
        try:  # the Keras conceptual graph: a node per layer
            return {**out, **keras_graph(data.data.decode("utf-8", "replace"))}
        except ValueError as exc:
            return {**out, "error": "unreadable", "message": f"Keras model of run {run!r}: {exc}"}
    if gd is None:
        out["error"] = "keras" if data is not None else "none"
        return out
    stats = None
    if metadata_tag:
        stats, out["message"] = _node_stats(reader, run, metadata_tag)
    return {**out, **graph_view(gd, expanded, stats)}


def _node_stats(reader, run, tag):
    """(`step_stats_by_node` of the tag's last run metadata or None, message about what went wrong)."""
    try:
        table = reader.run_metadata(run, tag).values[-1].step_stats()
    except ValueError as exc:  # damaged RunMetadata: draw the graph without statistics
        return None, f"run metadata {tag!r} of run {run!r}: {exc}"
    return step_stats_by_node(table), "; ".join(table.warnings)


HANDLERS = {
    "board.event_files": event_files,
    "board.embedding_configs": embedding_configs,
    "board.reset": reset,
    "board.feed": feed,
    "board.summary": summary,
    "board.scalars": scalars,
    "board.chart": chart_series,
    "board.scalar_export": scalar_export,
    "board.histograms": histograms,
    "board.images": images,
    "board.audio": audio,
    "board.text": text,
    "board.pr_curves": pr_curves,
    "board.hparams": hparams,
    "board.custom_scalars": custom_scalars_layout,
    "board.graph": graph,
}
