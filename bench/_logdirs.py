"""Training-like scalar log directories for bench/board_scale.py (seeded, written fast).

Per run 8 tags, one value per event as PyTorch's SummaryWriter writes them: train/loss,
train/acc, train/lr, train/grad_norm, train/throughput every step; eval/loss, eval/acc,
eval/top5 every 10th step. Records are framed by nnlab's own vectorised encoder (CRC32C
in numpy) and encoded by hand (nnlab.events.writer), so 1 GB takes about a minute.
"""

import numpy as np

from nnlab.events import writer
from nnlab.events.records import encode_many

TRAIN = ("train/loss", "train/acc", "train/lr", "train/grad_norm", "train/throughput")
EVAL = ("eval/loss", "eval/acc", "eval/top5")
BYTES_PER_STEP = 5 * 47 + 0.3 * 45  # measured: what one step of the 8 tags adds to a file


def _curves(rng, steps):
    """Each tag's values over `steps` steps: decaying losses, rising accuracies, noise."""
    t = np.arange(steps) / max(steps, 1)
    noise = lambda s: rng.normal(0, s, steps)  # noqa: E731
    return {"train/loss": 2.3 * np.exp(-4 * t) + 0.1 + noise(0.05), "train/acc": 1 - 0.9 * np.exp(-5 * t) + noise(0.01),
            "train/lr": 1e-3 * 0.5 * (1 + np.cos(np.pi * t)), "train/grad_norm": np.abs(1 + noise(0.3)),
            "train/throughput": 900 + noise(40), "eval/loss": 2.4 * np.exp(-3.5 * t) + 0.15 + noise(0.02),
            "eval/acc": 1 - 0.92 * np.exp(-4.5 * t) + noise(0.005), "eval/top5": 1 - 0.5 * np.exp(-6 * t)}


def write_run(folder, steps, seed):
    """One run's event file; returns its path."""
    rng = np.random.default_rng(seed)
    values = _curves(rng, steps)
    wall = 1.7e9 + seed * 1e5 + np.cumsum(rng.uniform(0.05, 0.15, steps))
    records = [writer.event(0, wall_time=wall[0] - 1, file_version=writer.FILE_VERSION)]
    for step in range(steps):
        tags = TRAIN + (EVAL if step % 10 == 0 else ())
        for tag in tags:
            records.append(writer.event(step, wall_time=float(wall[step]),
                                        summary=[writer.scalar_value(tag, float(values[tag][step]))]))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"events.out.tfevents.{int(wall[0])}.bench"
    path.write_bytes(encode_many(records))
    return path


def write_logdir(root, megabytes, runs):
    """`runs` runs totalling about `megabytes` MB under `root`; returns (paths, points)."""
    steps = int(megabytes * 1e6 / runs / BYTES_PER_STEP)
    paths = [write_run(root / f"run_{i:03d}", steps, i) for i in range(runs)]
    points = runs * (steps * len(TRAIN) + len(range(0, steps, 10)) * len(EVAL))
    return paths, points
