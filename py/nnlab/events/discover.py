"""Finding event files and naming runs (shared by the disk and in-memory readers).

Standard library only: the build (buildsys.common.is_event_file) loads this file by itself.
"""

import os
import posixpath

EVENT_FILE_MARK = "tfevents"
# A folder holding this file shows embeddings (TensorBoard's projector plugin); the files
# under it (tensors, metadata, sprites, checkpoints) belong to the log directory too.
PROJECTOR_CONFIG = "projector_config.pbtxt"


def is_event_file(name):
    """Whether a file name (base name or path) names an event file."""
    return EVENT_FILE_MARK in posixpath.basename(name.replace(os.sep, "/"))


def projector_folders(paths):
    """The folders ("" for the root) of the projector configs among "/"-separated `paths`."""
    return sorted({posixpath.dirname(p) for p in paths if posixpath.basename(p) == PROJECTOR_CONFIG})


def is_log_file(path, folders):
    """Whether the page reads `path`: an event file, or a file under one of the projector `folders`."""
    return is_event_file(path) or any(not f or path.startswith(f + "/") for f in folders)


def log_files(paths):
    """Of "/"-separated `paths` (a folder's listing), those the Board reads, in order."""
    folders = projector_folders(paths)
    return [p for p in paths if is_log_file(p, folders)]


def run_of(path):
    """The run of a "/"-separated path relative to the log directory ("." for the root)."""
    return posixpath.dirname(path) or "."


def sort_key(path):
    """Reading order: by run, then by file name (which starts with the writer's start time)."""
    return (run_of(path), posixpath.basename(path))


def find_event_files(root):
    """Relative "/"-separated paths of every event file under `root`, in reading order."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(folder, root)
        for name in names:
            if is_event_file(name) and os.path.isfile(os.path.join(folder, name)):
                found.append(name if rel == "." else posixpath.join(*rel.split(os.sep), name))
    return sorted(found, key=sort_key)


def read_from(path, start):
    """Bytes of a file from `start` on; None if the file is now shorter than `start`."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < start:
                return None
            f.seek(start)
            return f.read()
    except OSError:
        return b""
