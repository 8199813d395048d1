"""A log directory: its runs, their tags by kind, and every point of every series.

A run is a folder holding event files (any file whose name contains
"tfevents"); the log directory itself is run ".". The files of a run are read
in name order (their names start with the writer's start time), as TensorBoard
does, and their points are concatenated in that order. Every point is kept:
no sampling, and no purging of steps after a restart (TensorBoard's
purge_orphaned_data), so a restarted run shows its steps going back.

Two ways in, same object out:

- `read_logdir(path)`: from disk; `LogdirReader.reload()` later reads only
  what was appended to each file since.
- `read_files({relative_path: bytes})`: from memory (the browser hands Python
  file contents, not paths); `LogdirReader.update()` later takes appended bytes.

A browser handler keeps one reader in its context and feeds it in pieces of a
few MB (each `update` call is one uninterruptible chunk of work)::

    reader = ctx.store.setdefault("logdir", LogdirReader())
    changed = reader.update({"train/events.out.tfevents.1": chunk})
    return {"runs": reader.runs, "tags": reader.tags(), "warnings": reader.warnings}
"""

import os
import posixpath

from .discover import EVENT_FILE_MARK, find_event_files, is_event_file, read_from, run_of, sort_key
from .store import FileStore, build_run
from .values import KINDS, META_GRAPH_TAG, RUN_GRAPH_TAG


class LogdirReader:
    """Event files of one log directory, read incrementally.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A log directory on disk (for `reload`). Leave out to feed bytes with `update`.

    Attributes
    ----------
    path : str or None
    """

    def __init__(self, path=None):
        self.path = None if path is None else os.fspath(path)
        self._files = {}  # relative path -> FileStore
        self._views = {}  # run -> (series, metadata), dropped when a file of the run changes
        self._notes = []  # reader-level warnings

    # -- reading ---------------------------------------------------------------
    def update(self, files):
        """Read bytes for some files: a file's first bytes, or bytes appended since the last call.

        Parameters
        ----------
        files : mapping of str to bytes-like
            Path relative to the log directory ("/"-separated) -> new bytes.
            Paths that are not event files are ignored.

        Returns
        -------
        list of str
            The runs whose data changed.
        """
        changed = set()
        for path in sorted(files, key=sort_key):
            name = posixpath.normpath(path.replace("\\", "/").replace(os.sep, "/"))
            if not is_event_file(name):
                continue
            store = self._files.get(name)
            if store is None:
                store = self._files[name] = FileStore(name)
                changed.add(run_of(name))  # a new file is news even when empty
            noted = len(store.warnings)
            if store.feed(files[path]) or len(store.warnings) != noted:
                changed.add(run_of(name))
        for run in changed:
            self._views.pop(run, None)
        return sorted(changed)

    def reload(self):
        """Read what was appended to the directory's event files, and any new files.

        Returns
        -------
        list of str
            The runs whose data changed.

        Raises
        ------
        FileNotFoundError
            If the log directory does not exist or is not a directory.
        """
        if self.path is None:
            raise ValueError("this reader has no directory: feed it with update()")
        if not os.path.isdir(self.path):
            raise FileNotFoundError(f"log directory not found: {self.path}")
        new = {}
        for rel in find_event_files(self.path):
            store = self._files.get(rel)
            if store is not None and store.stopped:
                continue  # unreadable bytes were found: the rest of this file is ignored
            start = store.size if store else 0
            data = read_from(os.path.join(self.path, *rel.split("/")), start)
            if data is None:
                store.warn("file shrank or was replaced; not read again")
                store.stopped = True
            elif data or store is None:
                new[rel] = data or b""
        changed = self.update(new)
        if not self._files and not any(n.startswith("no event files") for n in self._notes):
            self._notes.append(f"no event files (names containing '{EVENT_FILE_MARK}') under {self.path}")
        return changed

    # -- what was read ---------------------------------------------------------
    @property
    def runs(self):
        """list of str: every run, sorted ("." is the log directory itself)."""
        return sorted({run_of(p) for p in self._files})

    @property
    def warnings(self):
        """list of str: what could not be read, each naming its file.

        Includes values dropped when each run's series are built (a tag's plugin
        is known only then), so reading this builds them.
        """
        files = [w for p in sorted(self._files, key=sort_key) for w in self._files[p].notes]
        return self._notes + files + [w for run in self.runs for w in self._view(run)[2]]

    @property
    def incomplete(self):
        """dict of str to str: files whose bytes end inside a record, and what is missing.

        A file being written often ends so for a moment; this is not in
        `warnings` unless the record can no longer be completed.
        """
        return {p: f.tail for p, f in self._files.items() if f.tail}

    @property
    def records(self):
        """Complete records read so far over all files (the page shows it as progress)."""
        return sum(f.records for f in self._files.values())

    @property
    def offsets(self):
        """dict of str to int: per file, the offset where its complete records end."""
        return {p: f.offset for p, f in self._files.items()}

    def files(self, run=None):
        """The event files (relative paths) of one run, or of all, in reading order."""
        paths = sorted(self._files, key=sort_key)
        return [p for p in paths if run is None or run_of(p) == run]

    def _view(self, run):
        if run not in self._views:
            if run not in self.runs:
                raise KeyError(f"no run {run!r}")
            self._views[run] = build_run(run, [self._files[p] for p in self.files(run)])
        return self._views[run]

    def tags(self, run=None):
        """Tags by kind.

        Parameters
        ----------
        run : str, optional

        Returns
        -------
        dict
            ``{kind: [tag, ...]}`` for one run (every kind of `KINDS`, sorted
            tags), or ``{run: {kind: [...]}}`` for all runs when `run` is None.
        """
        if run is None:
            return {r: self.tags(r) for r in self.runs}
        series = self._view(run)[0]
        return {kind: sorted(series[kind]) for kind in KINDS}

    def series(self, run, kind, tag):
        """One tag's points (a `Series`); raises KeyError when the run has no such tag of that kind."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        found = self._view(run)[0][kind]
        if tag not in found:
            raise KeyError(f"run {run!r} has no {kind} tag {tag!r}")
        return found[tag]

    def scalars(self, run, tag):
        """`Series` whose values are (n,) float64."""
        return self.series(run, "scalars", tag)

    def histograms(self, run, tag):
        """`Series` of `Histogram`."""
        return self.series(run, "histograms", tag)

    def images(self, run, tag):
        """`Series` of `Image`."""
        return self.series(run, "images", tag)

    def audio(self, run, tag):
        """`Series` of `Audio`."""
        return self.series(run, "audio", tag)

    def text(self, run, tag):
        """`Series` of `Text`."""
        return self.series(run, "text", tag)

    def pr_curves(self, run, tag):
        """`Series` of `PrCurve` (TensorBoard's pr_curves plugin)."""
        return self.series(run, "pr_curves", tag)

    def tensors(self, run, tag):
        """`Series` of `Tensor` (tensor summaries of any other plugin)."""
        return self.series(run, "tensors", tag)

    def graphs(self, run, tag):
        """`Series` of `GraphData` (tags "__run_graph__", "__meta_graph__", TF2 traces, Keras models)."""
        return self.series(run, "graph", tag)

    def run_metadata(self, run, tag):
        """`Series` of `RunMetadata` (tagged_run_metadata, or TF2 "graph_run_metadata")."""
        return self.series(run, "run_metadata", tag)

    def metadata(self, run, tag):
        """The first `SummaryInfo` of a tag in a run, or None."""
        return self._view(run)[1].get(tag)

    def summary_metadata(self, run):
        """dict of str to SummaryInfo: every tag of the run that came with metadata.

        This includes tags that carry only metadata, such as the hparams plugin's
        "_hparams_/experiment"; filter by ``info.plugin_name`` to find a plugin's tags.
        """
        return dict(self._view(run)[1])

    def graph(self, run):
        """The run's graph as TensorBoard picks it: the last graph_def, else the last meta graph's.

        Returns
        -------
        GraphData or None
        """
        graphs = self._view(run)[0]["graph"]
        for tag in (RUN_GRAPH_TAG, META_GRAPH_TAG):
            if tag in graphs:
                last = graphs[tag].values[-1]
                if tag == RUN_GRAPH_TAG or _has_graph(last):
                    return last
        return None


def _has_graph(meta_graph):
    """Whether a meta graph's GraphData holds a graph (True for bytes that don't parse).

    The caller then gets those bytes, and `GraphData.graph_def` says what is wrong.
    """
    try:
        return meta_graph.graph_def().ByteSize() > 0
    except ValueError:
        return True


def read_logdir(path):
    """Read every event file under a log directory.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    LogdirReader
        Call its `reload` later to pick up appended data.

    Raises
    ------
    FileNotFoundError
        If `path` is not a directory.
    """
    reader = LogdirReader(path)
    reader.reload()
    return reader


def read_files(files):
    """Read event files given as bytes.

    Parameters
    ----------
    files : mapping of str to bytes-like
        Path relative to the log directory ("/"-separated, e.g.
        "train/events.out.tfevents.123.host") -> the file's contents.

    Returns
    -------
    LogdirReader
        Call its `update` later with bytes appended to any file.
    """
    reader = LogdirReader()
    reader.update(files)
    return reader
