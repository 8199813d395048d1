"""The typed values a reader hands out, one class per kind of summary.

Plain dataclasses of numpy arrays, bytes and str: nothing here needs the
protobuf runtime except the explicit `GraphData.graph_def` and
`RunMetadata.proto` parsers.
"""

from dataclasses import dataclass, field, fields, is_dataclass

import numpy as np

KINDS = ("scalars", "histograms", "images", "audio", "text", "pr_curves", "graph", "run_metadata", "tensors")
RUN_GRAPH_TAG = "__run_graph__"  # Event.graph_def, as TensorBoard names it
META_GRAPH_TAG = "__meta_graph__"  # Event.meta_graph_def
EDGE_LIMIT = float(np.finfo(np.float32).max)  # TensorBoard keeps bucket edges as float32: beyond is inf there


@dataclass(frozen=True)
class SummaryInfo:
    """A tag's SummaryMetadata (the first one seen for the tag in its run).

    Attributes
    ----------
    plugin_name : str
        "" when the writer named no plugin.
    content : bytes
        The plugin's own serialized data.
    display_name, description : str
    data_class : int
        SummaryMetadata.DataClass (0 unknown, 1 scalar, 2 tensor, 3 blob sequence).
    """

    plugin_name: str = ""
    content: bytes = b""
    display_name: str = ""
    description: str = ""
    data_class: int = 0


@dataclass(frozen=True)
class PrCurve:
    """One step of TensorBoard's pr_curves plugin.

    Attributes
    ----------
    values : (6, n) float64
        Rows true positives, false positives, true negatives, false negatives,
        precision and recall, one column per threshold.
    """

    ROWS = ("tp", "fp", "tn", "fn", "precision", "recall")
    values: np.ndarray

    @property
    def thresholds(self):
        """(n,) float64: column i is the threshold i / (n - 1), as the plugin writes them."""
        n = self.values.shape[1]
        return np.arange(n, dtype=np.float64) / max(n - 1, 1)


@dataclass
class Histogram:
    """One histogram.

    Attributes
    ----------
    buckets : (k, 3) float64
        ``[left, right, count]`` rows. TF2 histograms are stored so; a
        HistogramProto is converted as TensorBoard does (empty end buckets
        dropped, outer edges set to min and max).
    bucket_limit, bucket : (k,) float64 or None
        HistogramProto's right edges and counts as stored (None for TF2).
    min, max, num, sum, sum_squares : float
        HistogramProto's statistics; NaN for TF2 histograms, which have none.
    """

    buckets: np.ndarray
    bucket_limit: np.ndarray = None
    bucket: np.ndarray = None
    min: float = float("nan")
    max: float = float("nan")
    num: float = float("nan")
    sum: float = float("nan")
    sum_squares: float = float("nan")

    @staticmethod
    def check(buckets):
        """Raise ValueError unless (k, 3) `buckets` have edges within float32 and finite counts."""
        if not np.all(np.abs(buckets[:, :2]) <= EDGE_LIMIT):  # NaN fails too
            raise ValueError("histogram bucket edge beyond float32 range (infinite in TensorBoard)")
        if not np.all(np.isfinite(buckets[:, 2])):
            raise ValueError("histogram bucket count is not finite")
        return buckets

    @classmethod
    def from_proto_fields(cls, lo, hi, num, total, squares, limits, counts):
        """Build from HistogramProto fields ((k,) `limits`, `counts`); ValueError as `check`."""
        limits = np.asarray(limits, dtype=np.float64)
        counts = np.asarray(counts, dtype=np.float64)
        nonzero = np.flatnonzero(counts > 0)
        if nonzero.size == 0:
            buckets = np.zeros((0, 3))
        else:
            a, b = nonzero[0], nonzero[-1]
            inner = limits[a:b]  # limit[i] is the right edge of bucket i
            buckets = np.stack([np.concatenate([[lo], inner]), np.concatenate([inner, [hi]]),
                                counts[a:b + 1]], axis=1)
        return cls(buckets=cls.check(buckets), bucket_limit=limits, bucket=counts, min=lo, max=hi,
                   num=num, sum=total, sum_squares=squares)


@dataclass
class Image:
    """The images of one tag at one step.

    Attributes
    ----------
    width, height : int
    images : list of bytes
        Encoded images (PNG, as the writers store them); TF2 may hold several.
    colorspace : int
        Summary.Image's channel count (0 when not stored, as in TF2).
    """

    width: int
    height: int
    images: list
    colorspace: int = 0


@dataclass
class Audio:
    """The audio clips of one tag at one step.

    Attributes
    ----------
    clips : list of bytes
        Encoded audio (WAV as the writers store it).
    labels : list of str
        One per clip (TF2 only; "" otherwise).
    sample_rate : float
        Stored by TF1/PyTorch; for TF2 read from the first clip's WAV header.
    content_type : str
    num_channels, length_frames : int
        TF1/PyTorch only (0 otherwise).
    """

    clips: list
    labels: list
    sample_rate: float = 0.0
    content_type: str = ""
    num_channels: int = 0
    length_frames: int = 0


@dataclass
class Text:
    """A text summary: an array of str (markdown), with the tensor's shape."""

    array: np.ndarray


@dataclass
class Tensor:
    """Any other tensor summary, as a numpy array.

    Attributes
    ----------
    array : ndarray
        Strings come as an object array of bytes.
    dtype : str
        TensorFlow's name for the stored dtype, e.g. "DT_FLOAT".
    """

    array: np.ndarray
    dtype: str


@dataclass
class GraphData:
    """A serialized graph.

    Attributes
    ----------
    data : bytes
    format : str
        "graph_def" (Event.graph_def), "meta_graph_def" (Event.meta_graph_def),
        "run_metadata_graph" (TF2 trace: a RunMetadata whose function_graphs
        hold the graphs) or "keras_model" (a Keras model config as JSON).
    """

    data: bytes
    format: str

    def graph_def(self):
        """The GraphDef (a protobuf message), or None for a Keras model config.

        A TF2 trace holds one graph per traced function: their pre-optimization
        graphs are returned merged into one GraphDef (nodes and libraries appended).
        Bytes that don't parse raise ValueError.
        """
        from .proto import config_pb2, graph_pb2, meta_graph_pb2, parse
        if self.format == "graph_def":
            return parse(graph_pb2.GraphDef, self.data)
        if self.format == "meta_graph_def":
            return parse(meta_graph_pb2.MetaGraphDef, self.data).graph_def
        if self.format == "run_metadata_graph":
            merged = graph_pb2.GraphDef()
            for fg in parse(config_pb2.RunMetadata, self.data).function_graphs:
                merged.MergeFrom(fg.pre_optimization_graph)
            return merged
        return None


@dataclass
class RunMetadata:
    """A serialized RunMetadata (tagged_run_metadata, or a TF2 "graph_run_metadata" tensor).

    `proto` and `step_stats` raise ValueError for bytes that don't parse.
    """

    data: bytes

    def proto(self):
        """The RunMetadata protobuf message."""
        from .proto import config_pb2, parse
        return parse(config_pb2.RunMetadata, self.data)

    def step_stats(self):
        """Per-node timings and memory as a `StepStats` of arrays."""
        from .stepstats import step_stats_table
        return step_stats_table(self.proto().step_stats)


@dataclass
class Series:
    """Every point of one tag of one run, in file order.

    Attributes
    ----------
    run, tag, kind : str
    steps : (n,) int64
    wall_times : (n,) float64
        Seconds since the epoch.
    values : (n,) float64 for scalars, else a list of n typed values
        (`Histogram`, `Image`, `Audio`, `Text`, `Tensor`, `GraphData`, `RunMetadata`).
    metadata : SummaryInfo or None
    """

    run: str
    tag: str
    kind: str
    steps: np.ndarray
    wall_times: np.ndarray
    values: object
    metadata: SummaryInfo = field(default=None)

    def __len__(self):
        return int(self.steps.size)

    def to_dict(self):
        """A plain form for the worker protocol (dicts, lists, str, bytes, numbers, arrays).

        Typed values become dicts of their fields plus ``"type"``; numeric arrays stay
        numpy arrays (they cross as typed arrays), object arrays become nested lists.
        """
        values = self.values if self.kind == "scalars" else [plain(v) for v in self.values]
        return {"run": self.run, "tag": self.tag, "kind": self.kind, "steps": self.steps,
                "wall_times": self.wall_times, "values": values, "metadata": plain(self.metadata)}


def plain(value):
    """`value` with dataclasses turned into dicts and object arrays into lists (see `Series.to_dict`)."""
    if is_dataclass(value):
        return {"type": type(value).__name__, **{f.name: plain(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, np.ndarray) and value.dtype == object:
        return value.tolist()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
