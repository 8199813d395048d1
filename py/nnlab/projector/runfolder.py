"""A folder's embeddings as TensorBoard's projector finds them: its config, files and checkpoint.

A run (a folder of a log directory) shows embeddings when it holds a
``projector_config.pbtxt``. Each embedding's tensor is a file (``tensor_path``:
TSV or raw float32 ``.bytes``) or a variable of the run's checkpoint
(``tensor_name``); a config with no embeddings shows every 2-D float variable.
The checkpoint is the config's ``model_checkpoint_path`` or else the one the
run's ``checkpoint`` file names.

The page reads files, this module says which: `resolve` returns the paths it
still needs (the ``checkpoint`` file, then the ``.index``) until it can name,
for every embedding, the files and byte range the page must send to
``projector.load``. Paths are relative to one root (the log directory, or the
config's folder); a path written absolute (TF1 writes them so) is looked up
by its file name beside the config.
"""

import posixpath
import re

from ..events.discover import PROJECTOR_CONFIG
from . import checkpoint, pbtxt
from .errors import ParseError, text_of
from .jsonconfig import parse_config_json

STATE_NAME = "checkpoint"
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[\\/]|\\\\)")


def run_configs(paths):
    """Paths (of `paths`) that are a run's projector config, sorted."""
    return sorted(p for p in paths if posixpath.basename(p) == PROJECTOR_CONFIG)


def config_choice(paths):
    """Which picked file is the config: the top-most ``projector_config.pbtxt``, else the first
    ``.json`` / ``.pbtxt``."""
    runs = sorted(run_configs(paths), key=lambda p: (p.count("/"), p))
    if runs:
        return runs[0]
    return next((p for p in paths if p.lower().endswith((".json", ".pbtxt"))), None)


def locate(folder, path):
    """`path` from a config in `folder`, relative to the root."""
    if _ABSOLUTE.match(path) or "\\" in path:
        path = re.split(r"[\\/]", path)[-1]
    return posixpath.normpath(posixpath.join(folder, path)) if folder else posixpath.normpath(path)


def _paths(emb, folder):
    """The embedding's own file paths made root-relative."""
    out = dict(emb)
    for key in ("tensor_path", "metadata_path", "bookmarks_path"):
        if out.get(key):
            out[key] = locate(folder, out[key])
    if out.get("sprite"):
        out["sprite"] = {**out["sprite"], "image_path": locate(folder, out["sprite"]["image_path"])}
    return out


def _prefix(config, folder, files, name):
    """(checkpoint prefix or None, paths still needed)."""
    if config["model_checkpoint_path"]:
        return locate(folder, config["model_checkpoint_path"]), []
    state = locate(folder, STATE_NAME)
    if state not in files:
        return None, [state]
    if files[state] is None:
        raise ParseError(name, None, "its embeddings name checkpoint variables, but the folder has no "
                         "'checkpoint' file (save one with tf.train.Checkpoint or a Saver next to the config)")
    prefix = checkpoint.latest_prefix(files[state], state)
    if not prefix:
        raise ParseError(state, None, "names no model_checkpoint_path")
    return locate(folder, prefix), []


def _from_variable(emb, var, data_path, name):
    if var.dtype not in checkpoint.FLOAT_DTYPES or len(var.shape) != 2 or var.sliced:
        raise ParseError(name, emb.get("line"), f"variable {var.name!r} is not a 2-D float tensor "
                         f"(shape {list(var.shape)})")
    return {**emb, "tensor_name": emb.get("tensor_name") or var.name, "tensor_shape": list(var.shape),
            "tensor_path": None, "checkpoint": {"data_path": data_path, "variable": checkpoint.as_dict(var)}}


def _find(index, tensor_name, name, line):
    var = index.variables.get(tensor_name) or index.variables.get(re.sub(r":0$", "", tensor_name))
    if var is None:
        shown = ", ".join(v.name for v in checkpoint.projectable(index)[:8]) or "none"
        raise ParseError(name, line, f"no variable {tensor_name!r} in the checkpoint (2-D float ones: {shown})")
    return var


def _with_checkpoint(config, folder, files, name):
    """Embeddings resolved against the checkpoint, or (None, paths still needed)."""
    prefix, need = _prefix(config, folder, files, name)
    if need:
        return None, need
    index_path = prefix + ".index"
    if index_path not in files:
        return None, [index_path]
    if files[index_path] is None:
        raise ParseError(name, None, f"checkpoint {index_path} is not in the folder")
    index = checkpoint.read_index(files[index_path], index_path)
    data = lambda var: checkpoint.data_file(prefix, var.shard, index.num_shards)  # noqa: E731
    if not config["embeddings"]:
        found = checkpoint.projectable(index)
        if not found:
            raise ParseError(index_path, None, "holds no 2-D float variable to project")
        return [_from_variable({"tensor_name": v.name, "metadata_path": None, "bookmarks_path": None,
                                "sprite": None, "line": None}, v, data(v), name) for v in found], []
    out = []
    for emb in config["embeddings"]:
        if emb["tensor_path"]:
            out.append(emb)
            continue
        var = _find(index, emb["tensor_name"], name, emb["line"])
        out.append(_from_variable(emb, var, data(var), name))
    return out, []


def resolve(text, path, files=None):
    """What to load for each embedding of the config at `path`.

    Parameters
    ----------
    text : str or bytes, the config (``.json``: the standalone projector's; else text format).
    path : str, the config's root-relative path.
    files : dict of str to (str or bytes or None), optional
        Files read so far at this module's request; None: read and not there.

    Returns
    -------
    dict
        ``embeddings`` (list of `pbtxt.embedding_info` dicts with root-relative
        paths; a checkpoint variable's has ``tensor_path`` None and ``checkpoint``:
        ``{data_path, variable}``) and ``need`` (paths to read, then call again;
        when not empty, ``embeddings`` is empty).
    """
    files = files or {}
    folder, name = posixpath.dirname(path), posixpath.basename(path) or path
    if name.lower().endswith(".json"):
        config = {"embeddings": parse_config_json(text, name), "model_checkpoint_path": None}
    else:
        config = pbtxt.parse_run_config(text_of(text, name), name)
    embeddings = [_paths(e, folder) for e in config["embeddings"]]
    config = {**config, "embeddings": embeddings}
    if embeddings and all(e["tensor_path"] for e in embeddings):
        return {"embeddings": [{**e, "checkpoint": None} for e in embeddings], "need": []}
    out, need = _with_checkpoint(config, folder, files, name)
    if need:
        return {"embeddings": [], "need": need}
    return {"embeddings": [{"checkpoint": None, **e} for e in out], "need": []}
