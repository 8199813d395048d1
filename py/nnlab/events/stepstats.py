"""StepStats (per-node timings and memory of one traced step) as arrays over nodes."""

from dataclasses import dataclass, field

import numpy as np

_TIMES = ("all_start_micros", "op_start_rel_micros", "op_end_rel_micros", "all_end_rel_micros")
_NANOS = ("all_start_nanos", "op_start_rel_nanos", "op_end_rel_nanos", "all_end_rel_nanos")
_INT64 = (-(1 << 63), (1 << 63) - 1)
_COLUMNS = _TIMES + ("total_bytes", "peak_bytes", "live_bytes", "temp_memory_size",
                     "persistent_memory_size", "output_bytes", "thread_id")



@dataclass
class StepStats:
    """Per-node execution statistics of one traced step, as arrays over nodes.

    Attributes
    ----------
    devices : list of str
    device : (n,) int64
        Index into `devices` of each node's device.
    node_name : list of str
    all_start_micros, op_start_rel_micros, op_end_rel_micros, all_end_rel_micros : (n,) int64
        Start time, and times relative to it (from the *_nanos fields when
        only those are filled).
    total_bytes, peak_bytes, live_bytes : (n,) int64
        Over the node's allocators (``memory``): the sum of the positive
        total_bytes (what TensorBoard shows), the largest peak, the sum of live.
    temp_memory_size, persistent_memory_size : (n,) int64
        From ``memory_stats``.
    output_bytes : (n,) int64
        Allocated bytes of the node's outputs.
    thread_id : (n,) int64
    warnings : list of str
        Values that did not fit int64 (each clipped to its range), naming the node.
    """

    devices: list
    device: np.ndarray
    node_name: list
    all_start_micros: np.ndarray
    op_start_rel_micros: np.ndarray
    op_end_rel_micros: np.ndarray
    all_end_rel_micros: np.ndarray
    total_bytes: np.ndarray
    peak_bytes: np.ndarray
    live_bytes: np.ndarray
    temp_memory_size: np.ndarray
    persistent_memory_size: np.ndarray
    output_bytes: np.ndarray
    thread_id: np.ndarray
    warnings: list = field(default_factory=list)


def _node_row(node):
    """The numeric columns of one NodeExecStats, in `_COLUMNS` order."""
    times = [getattr(node, m) or getattr(node, n) // 1000 for m, n in zip(_TIMES, _NANOS)]
    memory = node.memory
    # TensorBoard adds only positive total_bytes (negative ones are logged and ignored)
    total = sum(m.total_bytes for m in memory if m.total_bytes > 0)
    peak = max((m.peak_bytes for m in memory), default=0)
    live = sum(m.live_bytes for m in memory)
    stats = node.memory_stats
    out = sum(o.tensor_description.allocation_description.allocated_bytes for o in node.output)
    return times + [total, peak, live, stats.temp_memory_size, stats.persistent_memory_size,
                    out, node.thread_id]


def _clipped(name, row, warnings):
    """`row` with values outside int64 (sums of many allocators can pass it) clipped, each noted."""
    lo, hi = _INT64
    out = []
    for column, v in zip(_COLUMNS, row):
        if not lo <= v <= hi:
            warnings.append(f"node {name!r}: {column} {v} does not fit int64; clipped")
            v = min(max(v, lo), hi)
        out.append(v)
    return out


def step_stats_table(step_stats):
    """Flatten a StepStats message.

    Parameters
    ----------
    step_stats : nnlab.tf.StepStats (protobuf message)

    Returns
    -------
    StepStats
        One row per NodeExecStats of every device, in stored order; values past
        int64 are clipped and listed in its ``warnings``.
    """
    devices, device, names, rows, warnings = [], [], [], [], []
    for k, dev in enumerate(step_stats.dev_stats):
        devices.append(dev.device)
        for node in dev.node_stats:
            device.append(k)
            names.append(node.node_name)
            rows.append(_clipped(node.node_name, _node_row(node), warnings))
    table = np.array(rows, dtype=np.int64).reshape(len(rows), len(_COLUMNS))
    columns = {name: table[:, j].copy() for j, name in enumerate(_COLUMNS)}
    return StepStats(devices=devices, device=np.array(device, dtype=np.int64), node_name=names,
                     warnings=warnings, **columns)
