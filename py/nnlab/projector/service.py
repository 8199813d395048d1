"""The Projector's worker handlers: ``HANDLERS = {request type: fn(ctx, **params)}``.

State lives in ``ctx.store["projector"]`` (one dataset, its PCA and t-SNE run),
so the page sends the vectors once. Long work is a generator that yields
between chunks (each well under ~100 ms in the browser at 10,000 points);
arrays go back as float32 (positions, distances) or int32 (indices).

Requests and replies (all params optional unless marked):

- ``projector.load`` {vectors*: (N, d) array | TSV text | ``.bytes`` bytes,
  shape: [N, d] (for bytes or a flat array), metadata: TSV text, name,
  vectors_name (file name in errors), metadata_name, variable: a checkpoint variable
  from projector.resolve (vectors are then its bytes)} -> progress {phase, done,
  total}; result {name, n, dim, columns: [{name, values: [str per point], unique,
  numeric, categorical}], sampled, tsne_points, tsne_max}; the page labels and
  colours points from these values and parses no metadata itself; with ``epochs`` [int, ...]
  the vectors are (F, N, d) snapshots (the result says ``epochs``; None otherwise)
- ``projector.frame`` {index*} -> {index, epoch} (a dataset loaded with ``epochs``: vectors
  (F, N, d), the same points at each epoch; the PCA keeps its axes, so the points move)
- ``projector.warmup`` {} -> progress {phase, module}; result {scipy: version}
- ``projector.classify`` {heads*: [TSV start, ...]} -> {vectors: [bool, ...]}
  (which picked files are vectors, which metadata)
- ``projector.config_choice`` {paths*} -> {path: the config among picked files, or None}
- ``projector.resolve`` {text*, path*, files: {path: text | bytes | None}} -> {embeddings:
  [...], need: [path, ...]} (see `nnlab.projector.runfolder`: read the needed files, None
  for missing ones, and call again; a checkpoint variable's embedding says which bytes to send)
- ``projector.pca`` {components: [i, j, k] = [0, 1, 2], sphereize: false}
  -> {positions: (N, 3) float32, variance: [ratio per component], components}
- ``projector.tsne.start`` {dims: 2, perplexity: 30, learning_rate: "auto", seed: 0,
  metric: "euclidean", supervise_column, supervise_weight: 0, max_points: 10000}
  -> progress {phase, done, total}; result {n, indices: int32 | None, sampled,
  positions, iteration: 0, learning_rate, perplexity}
- ``projector.tsne.step`` {n: 1, budget_ms: 60, kl: true}
  -> {positions: (N, dims) float32, iteration, kl: float | None}
- ``projector.tsne.perturb`` {scale: 0.05} -> {positions, iteration}
- ``projector.tsne.supervise`` {column, weight: 0} -> progress {phase, done, total}; result {column, weight}
- ``projector.neighbors`` {index*, k: 100, metric: "cosine"} -> {indices: int32, distances: float32}
- ``projector.search`` {query*, column, regex: false, limit: 0} -> {indices: int32, count}
- ``projector.custom`` {left, right, up, down, column, regex: false, seed: 0}
  -> {positions: (N, 2) float32, counts: {left, right, up, down}}
"""

import time

import numpy as np

from . import checkpoint, io, neighbors, pca, runfolder, search, tsne
from ._util import with_phase
from .custom import custom_projection
from .errors import ParseError

KEY = "projector"
CATEGORICAL_MAX = 50  # the Projector colours a column by category up to 50 distinct values


def _session(ctx):
    state = ctx.store.get(KEY)
    if state is None:
        raise ValueError("no dataset loaded: send projector.load first")
    return state


def _column(state, column):
    meta = state["metadata"]
    if meta is None:
        raise ValueError("no metadata loaded: search, custom projections and supervision need a metadata column")
    if column is None:
        return meta.columns[0]
    if column not in meta.names:
        raise ValueError(f"unknown metadata column {column!r}; columns are {meta.names}")
    return meta.columns[meta.names.index(column)]


def _array_vectors(vectors, shape, name):
    """A float32 (N, d) array from an array parameter, checked like a parsed file."""
    arr = np.asarray(vectors)
    if shape is not None and arr.dtype == np.float32:
        # A `.bytes` file read by the page arrives as a flat float32 array: check
        # its length against the config's shape as the file reader does.
        return io.parse_vectors_bytes(np.ascontiguousarray(arr).reshape(-1), shape, name)
    if shape is not None:
        arr = arr.reshape(io.vector_shape(shape, arr.size, name))
    if arr.ndim != 2 or len(arr) < 1 or arr.shape[1] < 1:
        raise ParseError(name, None, f"vectors must be an (N, d) array, got shape {list(arr.shape)}")
    arr = arr.astype(np.float32)
    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ParseError(name, int(row) + 1, f"column {col + 1} is not finite", unit="row")
    return arr


def _column_info(meta):
    """Per column: name, its values (one string per point: the page's labels and
    colours), the number of distinct values and whether all are numbers / few enough to colour by."""
    out = []
    for col_name, values in zip(meta.names, meta.columns):
        present = [v for v in values if v != ""]
        unique = len(set(values))
        try:
            numeric = bool(present) and all(np.isfinite(float(v)) for v in present)
        except ValueError:
            numeric = False
        out.append({"name": col_name, "values": values, "unique": unique, "numeric": numeric,
                    "categorical": unique <= CATEGORICAL_MAX})
    return out


def _frames(vectors, epochs, name):
    """(F, N, d) float32 snapshots of the same points, one per epoch of `epochs` (F ints)."""
    arr = np.asarray(vectors)
    if arr.ndim != 3 or arr.shape[0] != len(epochs) or not all(isinstance(e, int) for e in epochs):
        raise ParseError(name, None, f"snapshots must be (epochs, N, d) with {len(epochs)} epochs, "
                         f"got shape {list(arr.shape)}")
    return np.stack([_array_vectors(a, None, name) for a in arr])


def load(ctx, vectors, metadata=None, name="tensors", metadata_name="metadata.tsv", shape=None,
         vectors_name=None, variable=None, epochs=None):
    """Parse and store a dataset (a generator: TSV parsing yields between chunks).

    `vectors_name` is the vectors' file name in error messages (default `name`). With
    `epochs` (ints), `vectors` is (len(epochs), N, d): the same points at each epoch, shown
    at the last one until `frame` picks another.
    """
    name, dataset = (vectors_name or name), name
    frames = None
    if epochs is not None:
        frames = _frames(vectors, list(epochs), name)
        X = frames[-1]
    elif variable is not None:
        X = checkpoint.read_tensor(checkpoint.variable_from(variable), _bytes_or_text(vectors), name)
    elif isinstance(vectors, str):
        X = yield from with_phase(io.iter_parse_vectors_tsv(vectors, name), "parse")
    elif isinstance(vectors, (bytes, bytearray, memoryview)):
        X = io.parse_vectors_bytes(vectors, shape, name)
    else:
        X = _array_vectors(vectors, shape, name)
    meta = None if metadata is None else io.parse_metadata_tsv(metadata, metadata_name, n_rows=len(X))
    ctx.store[KEY] = {"name": dataset, "vectors": X, "metadata": meta, "pca": {}, "tsne": None,
                      "frames": frames, "epochs": None if frames is None else list(epochs)}
    n_tsne = min(len(X), tsne.MAX_POINTS)
    return {"name": dataset, "n": len(X), "dim": int(X.shape[1]),
            "epochs": None if frames is None else list(epochs),
            "columns": [] if meta is None else _column_info(meta),
            "sampled": len(X) > tsne.MAX_POINTS, "tsne_points": n_tsne, "tsne_max": tsne.MAX_POINTS}


def frame(ctx, index):
    """Show snapshot `index` of a dataset loaded with epochs: the same points at another epoch.

    PCA keeps the axes it found (its mean and components), so the points move on the
    same axes; a t-SNE run starts again from the new vectors.
    """
    state = _session(ctx)
    frames = state["frames"]
    if frames is None:
        raise ValueError("this dataset has one snapshot: load it with epochs to move between them")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(frames):
        raise ValueError(f"index must be an integer in [0, {len(frames) - 1}], got {index!r}")
    state["vectors"] = frames[index]
    for sphere, (fit, _) in list(state["pca"].items()):
        X = pca.sphereize(frames[index]) if sphere else frames[index]
        state["pca"][sphere] = (fit, pca.transform(X, fit).astype(np.float32))
    state["tsne"] = None
    return {"index": index, "epoch": state["epochs"][index]}


def warmup(ctx):
    """Import the scipy parts the Projector uses, one per tick (seconds in Pyodide).

    Optional: call it while the user picks a file, so the first PCA or t-SNE
    step does not pay for the imports.
    """
    import scipy
    yield {"phase": "import", "module": "scipy.linalg"}
    import scipy.linalg  # noqa: F401 (BLAS products, eigh)
    yield {"phase": "import", "module": "scipy.fft"}
    import scipy.fft  # noqa: F401 (t-SNE repulsion)
    return {"scipy": scipy.__version__}


def classify(ctx, heads):
    """For each TSV start in `heads` (list of str): is that file vectors (else metadata)?"""
    return {"vectors": [io.looks_like_vectors(h) for h in heads]}


def config_choice(ctx, paths):
    """Which of the picked `paths` is the projector config (None: there is none)."""
    return {"path": runfolder.config_choice(list(paths))}


def resolve(ctx, text, path, files=None):
    """A config's embeddings with root-relative paths, or the files it needs read first."""
    read = {k: (None if v is None else _bytes_or_text(v)) for k, v in (files or {}).items()}
    return runfolder.resolve(text, path, read)


def _bytes_or_text(value):
    return value if isinstance(value, str) else np.asarray(value, dtype=np.uint8).tobytes()


def run_pca(ctx, components=(0, 1, 2), sphereize=False):
    """PCA positions on three chosen components (a generator over covariance chunks)."""
    state = _session(ctx)
    cache = state["pca"].get(bool(sphereize))
    if cache is None:
        X = pca.sphereize(state["vectors"]) if sphereize else state["vectors"]
        fit = yield from with_phase(pca.iter_pca(X), "covariance")
        cache = state["pca"][bool(sphereize)] = (fit, pca.transform(X, fit).astype(np.float32))
    fit, coords = cache
    components = [int(c) for c in components]
    if any(not 0 <= c < pca.MAX_COMPONENTS for c in components):
        raise ValueError(f"components must be between 0 and {pca.MAX_COMPONENTS - 1}, got {components}")
    out = np.zeros((len(coords), len(components)), dtype=np.float32)
    for col, c in enumerate(components):
        if c < coords.shape[1]:  # fewer than 10 components when d < 10
            out[:, col] = coords[:, c]
    return {"positions": out, "variance": [float(v) for v in fit.explained_variance_ratio],
            "components": components}


def tsne_start(ctx, dims=2, perplexity=30.0, learning_rate="auto", seed=0, metric="euclidean",
               supervise_column=None, supervise_weight=0.0, max_points=tsne.MAX_POINTS):
    """Prepare a t-SNE run on (a fixed sample of at most `max_points` of) the dataset."""
    state = _session(ctx)
    X = state["vectors"]
    idx = tsne.sample_indices(len(X), max_points, seed)
    labels = None
    if supervise_column is not None or float(supervise_weight) > 0:
        labels = [_column(state, supervise_column)[i] for i in idx]
    run = tsne.TSNE(n_components=int(dims), perplexity=float(perplexity), learning_rate=learning_rate,
                    metric=metric, random_state=int(seed))
    state["tsne"] = None  # a failed start must not leave the old run half-replaced
    yield from run.iter_prepare(X[idx], labels, float(supervise_weight))
    state["tsne"], state["tsne_indices"] = run, idx
    sampled = len(idx) < len(X)
    return {"n": len(idx), "indices": idx.astype(np.int32) if sampled else None, "sampled": sampled,
            "positions": run.embedding_.astype(np.float32), "iteration": 0,
            "learning_rate": float(run.lr_), "perplexity": float(run.effective_perplexity_)}


def _run(ctx):
    run = _session(ctx).get("tsne")
    if run is None:
        raise ValueError("no t-SNE run: send projector.tsne.start first")
    return run


def tsne_step(ctx, n=1, budget_ms=60.0, kl=True):
    """Up to n iterations, stopping once `budget_ms` is spent (always at least one).

    A generator: a long 3-D iteration yields between chunks, so the worker
    stays responsive; the KL divergence is computed for the last iteration only.
    """
    run, n = _run(ctx), max(1, int(n))
    t0 = time.perf_counter()
    out = yield from run.iter_step(kl=kl and n == 1)
    per_iter = (time.perf_counter() - t0) * 1000.0
    more = min(n - 1, int(max(0.0, float(budget_ms) - per_iter) // max(per_iter, 1e-3)))
    for left in range(more - 1, -1, -1):
        out = yield from run.iter_step(kl=kl and left == 0)
    return out


def tsne_perturb(ctx, scale=0.05):
    """Jitter the current t-SNE embedding (the Projector's Perturb button)."""
    run = _run(ctx)
    return {"positions": run.perturb(float(scale)), "iteration": run.iteration}


def tsne_supervise(ctx, column=None, weight=0.0):
    """Change supervision of the running t-SNE without recomputing neighbours (a generator)."""
    state, run = _session(ctx), _run(ctx)
    labels = None
    if float(weight) > 0:
        values = _column(state, column)
        labels = [values[i] for i in state["tsne_indices"]]
    yield from run.iter_set_supervision(labels, float(weight))
    return {"column": column, "weight": float(weight)}


def find_neighbors(ctx, index, k=100, metric="cosine"):
    """Exact nearest neighbours of one point in the original space."""
    idx, dist = neighbors.nearest(_session(ctx)["vectors"], int(index), int(k), metric)
    return {"indices": idx.astype(np.int32), "distances": dist.astype(np.float32)}


def find(ctx, query, column=None, regex=False, limit=0):
    """Points whose metadata value matches the query."""
    hits = search.search(_column(_session(ctx), column), query, bool(regex))
    shown = hits[:int(limit)] if int(limit) > 0 else hits
    return {"indices": shown.astype(np.int32), "count": int(len(hits))}


def custom(ctx, left="", right="", up="", down="", column=None, regex=False, seed=0):
    """The custom (centroid-direction) projection."""
    state = _session(ctx)
    positions, counts = custom_projection(state["vectors"], _column(state, column), left, right, up, down,
                                          bool(regex), int(seed))
    return {"positions": positions, "counts": counts}


HANDLERS = {
    "projector.warmup": warmup,
    "projector.load": load,
    "projector.frame": frame,
    "projector.config_choice": config_choice,
    "projector.resolve": resolve,
    "projector.classify": classify,
    "projector.pca": run_pca,
    "projector.tsne.start": tsne_start,
    "projector.tsne.step": tsne_step,
    "projector.tsne.perturb": tsne_perturb,
    "projector.tsne.supervise": tsne_supervise,
    "projector.neighbors": find_neighbors,
    "projector.search": find,
    "projector.custom": custom,
}
