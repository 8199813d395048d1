"""What decoding one batch of records yields (`Items`), shared by both decoders."""

from dataclasses import dataclass, field

import numpy as np


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
        Records or values (offset of the record, relative to the batch) that were skipped.
    renamed : dict of str to int
        Tags that were not valid UTF-8, by the name they are shown under: offset
        of the first record holding one.
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
    renamed: dict = field(default_factory=dict)


def first_meta(metadata, tag, order, info):
    """Keep `info` as the tag's metadata if it comes before what `metadata` holds for it."""
    if tag not in metadata or order < metadata[tag][0]:
        metadata[tag] = (order, info)
