"""What the Playground hands to the other tools: a hidden layer's points for the Projector, a logdir zip."""

import io
import posixpath
import zipfile

import numpy as np


def _label_text(values, problem):
    """Labels as the Projector shows them: classes as integers, regression targets to 3 digits."""
    if problem == "regression":
        return [f"{v:.3g}" for v in values]
    return [str(int(v)) for v in values]


def metadata_tsv(trainer, predicted):
    """label, split, predicted and correct per point (train points, then test), with a header row."""
    problem = trainer.config["problem"]
    labels = np.concatenate([trainer.y_train, trainer.y_test])
    split = ["train"] * len(trainer.y_train) + ["test"] * len(trainer.y_test)
    head = ["label", "split"] + ([] if predicted is None else ["predicted", "correct"])
    rows = [head]
    label_text = _label_text(labels, problem)
    guess = None if predicted is None else _label_text(predicted, problem)
    for i, (lab, part) in enumerate(zip(label_text, split)):
        rows.append([lab, part] if guess is None else [lab, part, guess[i], "yes" if predicted[i] == labels[i] else "no"])
    return "\n".join("\t".join(r) for r in rows) + "\n"


def layer_points(trainer, log, layer):
    """Hidden layer `layer` (1 = the first) of every point, at every epoch the log kept, then now.

    Returns
    -------
    dict
        vectors: (n_epochs, n_points, width) float32; epochs: [int]; metadata: TSV text
        (label, split, predicted, correct: the current network's); name; layer; layers.
    """
    hidden = trainer.net.layer_sizes[1:-1]
    if not hidden:
        raise ValueError("this network has no hidden layer: add one to look at it in the Projector")
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= len(hidden):
        raise ValueError(f"layer must be an integer in [1, {len(hidden)}], got {layer!r}")
    now, predicted = trainer.layer_outputs()
    frames = [(e, acts[layer - 1]) for e, acts in (log.snapshots if log else [])]
    if not frames or frames[-1][0] != trainer.epoch:
        frames.append((trainer.epoch, now[layer - 1]))
    run = log.run if log else "playground"
    return {"vectors": np.stack([f for _, f in frames]).astype(np.float32), "epochs": [e for e, _ in frames],
            "metadata": metadata_tsv(trainer, predicted), "name": f"{run} hidden_{layer}", "layer": layer,
            "layers": len(hidden)}


def zip_files(files):
    """A zip (deflated) of `files`, {path: bytes or uint8 array}; paths must stay inside the folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted(files.items()):
            clean = posixpath.normpath(str(path))
            if clean.startswith(("/", "..")) or clean == ".":
                raise ValueError(f"{path!r} is not a path inside the log folder")
            info = zipfile.ZipInfo(clean, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes give the same zip
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data if isinstance(data, bytes) else np.asarray(data, np.uint8).tobytes())
    return np.frombuffer(out.getvalue(), np.uint8)
