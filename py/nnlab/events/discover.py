"""Finding event files and naming runs (shared by the disk and in-memory readers).

Standard library only: the build (buildsys.common.is_event_file) loads this file by itself.
"""

import os
import posixpath

EVENT_FILE_MARK = "tfevents"


def is_event_file(name):
    """Whether a file name (base name or path) names an event file."""
    return EVENT_FILE_MARK in posixpath.basename(name.replace(os.sep, "/"))


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
