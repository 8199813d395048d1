"""Reading TensorBoard event files (TensorFlow 1 and 2, PyTorch, tensorboardX).

Pure Python + numpy + the protobuf runtime (its pure-Python build is enough),
so it runs in the browser's Pyodide worker as well as in CPython.

>>> from nnlab.events import read_logdir
>>> logs = read_logdir("runs/")                       # doctest: +SKIP
>>> logs.tags("train")["scalars"]                     # doctest: +SKIP
['loss', 'metrics/accuracy']
>>> s = logs.scalars("train", "loss")                 # doctest: +SKIP
>>> s.steps, s.wall_times, s.values                   # int64, float64, float64 arrays

Layers, bottom up: `crc`, `records` and `tails` (TFRecord framing and CRC32C, vectorised;
incomplete records and lying headers), `wire`,
`scalar_layouts` and `scalars` (scalar records decoded with numpy), `decode`,
`items` and `protobuf_decode` (everything else through the generated protobuf classes
in `proto`, imported only when needed), `store` (per file, and a run's series on demand),
`discover` and `logdir` (the public reader), `export` (CSV).
"""

from .discover import find_event_files, is_event_file, run_of
from .export import scalars_csv, write_scalars_csv
from .logdir import LogdirReader, read_files, read_logdir
from .stepstats import StepStats
from .values import (KINDS, Audio, GraphData, Histogram, Image, PrCurve, RunMetadata, Series,
                     SummaryInfo, Tensor, Text)

__all__ = [
    "KINDS", "Audio", "GraphData", "Histogram", "Image", "LogdirReader", "PrCurve", "RunMetadata", "Series",
    "StepStats", "SummaryInfo", "Tensor", "Text", "find_event_files", "is_event_file", "read_files",
    "read_logdir", "run_of", "scalars_csv", "write_scalars_csv",
]
