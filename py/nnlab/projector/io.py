"""Readers for the Embedding Projector's files: vectors, metadata and configs.

- Vectors: a TSV of numbers (one vector a line, tab-separated), or raw
  little-endian float32 ``.bytes`` with a shape from the config.
- Metadata: a TSV; one column has no header, several columns have a header row
  (the header is recognised, as in the Projector, by a tab in the first line).
- Configs: the standalone projector's JSON (camelCase keys; see
  `nnlab.projector.jsonconfig`) and TensorBoard's
  ``projector_config.pbtxt`` (protobuf text format, read here without protobuf;
  see `nnlab.projector.pbtxt`).

As in the Projector, blank lines are skipped. Anything wrong raises
`ParseError`, whose message names the file and the 1-based line (or row for
``.bytes``); nothing is returned half-loaded.
"""

from itertools import chain
from typing import NamedTuple

import numpy as np

from . import pbtxt
from ._util import drain
from .errors import ParseError, text_of
from .jsonconfig import parse_config_json

LINES_PER_CHUNK = 500  # ~15 ms native, ~40 ms in Pyodide at 50-128 values a line


def _numbered_lines(text):
    """(line number, line without its end) for every non-blank line."""
    return [(no, line.rstrip("\r")) for no, line in enumerate(text.split("\n"), 1) if line.strip()]


def _bad_value(name, rows):
    """Raise the ParseError for the first field of `rows` that is not a finite number."""
    for no, fields in rows:
        for col, field in enumerate(fields, 1):
            try:
                value = float(field)
            except ValueError:
                raise ParseError(name, no, f"column {col} is not a number: {field.strip()[:40]!r}") from None
            with np.errstate(over="ignore"):
                finite = np.isfinite(np.float32(value))
            if not finite:
                why = "out of float32 range" if np.isfinite(value) else "not finite"
                raise ParseError(name, no, f"column {col} is {why}: {field.strip()[:40]!r}")
    raise AssertionError("no bad value found")  # callers only come here after a failure


def _vector_rows(name, lines, dim):
    """Parse (line number, text) rows of one chunk: (m, dim) float32."""
    rows = [(no, line.strip().split("\t")) for no, line in lines]
    for no, fields in rows:
        if len(fields) != dim:
            raise ParseError(name, no, f"{len(fields)} values, but the first vector has {dim}")
    try:
        values = np.array(list(chain.from_iterable(f for _, f in rows)), dtype=np.float64)
    except ValueError:
        _bad_value(name, rows)
    with np.errstate(over="ignore"):  # overflow to inf is caught just below
        out = values.astype(np.float32).reshape(len(rows), dim)
    if not np.isfinite(out).all():
        _bad_value(name, rows)
    return out


def iter_parse_vectors_tsv(data, name="tensors.tsv", lines_per_chunk=LINES_PER_CHUNK):
    """Parse a TSV of vectors in chunks; yields ``(lines_done, n_lines)``.

    Parameters
    ----------
    data : str or bytes (UTF-8)
    name : str, the file name used in error messages.

    Returns
    -------
    (N, d) float32, d >= 2, as the generator's return value.
    """
    lines = _numbered_lines(text_of(data, name))
    if not lines:
        raise ParseError(name, 1, "the file is empty: expected one tab-separated vector per line")
    dim = len(lines[0][1].strip().split("\t"))
    if dim < 2:
        hint = "; values must be separated by tabs" if " " in lines[0][1].strip() else ""
        raise ParseError(name, lines[0][0], f"a vector needs at least 2 values, found {dim}{hint}")
    chunks = []
    for lo in range(0, len(lines), lines_per_chunk):
        chunks.append(_vector_rows(name, lines[lo:lo + lines_per_chunk], dim))
        yield min(len(lines), lo + lines_per_chunk), len(lines)
    return np.concatenate(chunks)


def looks_like_vectors(head):
    """Is a TSV whose start is `head` (str) vectors rather than metadata?

    True when its first non-blank line is all numbers: how picked or dropped files
    without a config are told apart (a metadata file's values or header are words).
    """
    lines = _numbered_lines(head)
    if not lines:
        return False
    try:
        return all(np.isfinite(float(field)) for field in lines[0][1].split("\t"))
    except ValueError:
        return False


def parse_vectors_tsv(data, name="tensors.tsv"):
    """`iter_parse_vectors_tsv` run to the end: (N, d) float32."""
    return drain(iter_parse_vectors_tsv(data, name))


def vector_shape(shape, size, name, nbytes=None):
    """Check a config's ``tensorShape`` against the values a file holds.

    Parameters
    ----------
    shape : sequence, should be [N, d] of positive ints.
    size : int, the number of values read.
    nbytes : int, optional; the file's byte count, when it was raw float32.

    Returns
    -------
    (N, d) tuple of int.

    Raises
    ------
    ParseError
        Naming the file, and the expected and actual byte counts on a mismatch
        (never numpy's reshape message).
    """
    try:
        n, d = (int(s) for s in shape)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
        raise ParseError(name, None, f"tensor shape must be [N, d], got {shape!r:.60}") from None
    if n < 1 or d < 1:
        raise ParseError(name, None, f"tensor shape must be positive, got [{n}, {d}]")
    nbytes = size * 4 if nbytes is None else nbytes
    if nbytes != n * d * 4:
        raise ParseError(name, None, f"{nbytes} bytes, but shape [{n}, {d}] of float32 needs {n * d * 4}")
    return n, d


def parse_vectors_bytes(data, shape, name="tensors.bytes"):
    """Read raw little-endian float32 vectors.

    Parameters
    ----------
    data : bytes-like
    shape : (N, d) sequence of two positive ints (the config's ``tensorShape``).

    Returns
    -------
    (N, d) float32.
    """
    buf = memoryview(data).cast("B")
    n, d = vector_shape(shape, buf.nbytes // 4, name, nbytes=buf.nbytes)
    out = np.frombuffer(buf, dtype="<f4").astype(np.float32).reshape(n, d)
    bad = ~np.isfinite(out)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ParseError(name, int(row) + 1, f"column {col + 1} is not finite ({out[row, col]})", unit="row")
    return out


class Metadata(NamedTuple):
    """Parsed metadata: column names and, per column, one string per point.

    Attributes
    ----------
    names : list of str; ["label"] for a one-column file without header.
    columns : list of list of str; ``columns[c][i]`` is point i's value in column c.
    lines : list of int; the 1-based line of each point's row.
    """

    names: list
    columns: list
    lines: list


def _count_error(name, n_found, n_rows, lines, single):
    if n_found > n_rows:
        where, what = lines[n_rows], f"more metadata rows than vectors ({n_found} rows, {n_rows} vectors)"
    else:
        where, what = (lines[-1] + 1 if lines else 1), f"metadata ends after {n_found} rows, but there are {n_rows} vectors"
    if single and n_found == n_rows + 1:
        where, what = lines[0], what + f"; if line {lines[0]} is a header, remove it: one-column metadata has none"
    return ParseError(name, where, what)


def _check_unique(names, name, line):
    """Raise ParseError for the first column name seen twice (one pass: a header may have 10^6 columns)."""
    seen = set()
    for col in names:
        if col in seen:
            raise ParseError(name, line, f"column name {col[:40]!r} appears twice in the header")
        seen.add(col)


def parse_metadata_tsv(data, name="metadata.tsv", n_rows=None):
    """Parse a metadata TSV.

    Parameters
    ----------
    data : str or bytes (UTF-8)
    name : str, the file name used in error messages.
    n_rows : int, optional; the number of vectors the rows must match.

    Returns
    -------
    Metadata
    """
    lines = _numbered_lines(text_of(data, name))
    if not lines:
        raise ParseError(name, 1, "the file is empty")
    header_no, header = lines[0]
    single = "\t" not in header
    names = ["label"] if single else header.split("\t")
    if not single:
        lines = lines[1:]
        _check_unique(names, name, header_no)
    rows = [line.split("\t") if not single else [line] for _, line in lines]
    for (no, _), fields in zip(lines, rows):
        if len(fields) != len(names):
            raise ParseError(name, no, f"{len(fields)} fields, but the header has {len(names)} columns")
    numbers = [no for no, _ in lines]
    if n_rows is not None and len(rows) != n_rows:
        raise _count_error(name, len(rows), n_rows, numbers, single)
    if not rows:
        raise ParseError(name, header_no + 1, "no data rows after the header")
    return Metadata(names, [list(col) for col in zip(*rows)], numbers)


def parse_config_pbtxt(data, name="projector_config.pbtxt"):
    """Parse TensorBoard's projector_config.pbtxt (text format, no protobuf needed)."""
    return pbtxt.parse_projector_config(text_of(data, name), name)


def parse_config(data, name):
    """A config by its file name: ``*.json`` is JSON, anything else pbtxt."""
    return parse_config_json(data, name) if name.lower().endswith(".json") else parse_config_pbtxt(data, name)
