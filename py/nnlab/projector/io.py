"""Readers for the Embedding Projector's files: vectors, metadata and configs.

- Vectors: a TSV of numbers (one vector a line, tab-separated), or raw
  little-endian float32 ``.bytes`` with a shape from the config.
- Metadata: a TSV; one column has no header, several columns have a header row
  (the header is recognised, as in the Projector, by a tab in the first line).
- Configs: the standalone projector's JSON (camelCase keys) and TensorBoard's
  ``projector_config.pbtxt`` (protobuf text format, read here without protobuf;
  see `nnlab.projector.pbtxt`).

As in the Projector, blank lines are skipped. Anything wrong raises
`ParseError`, whose message names the file and the 1-based line (or row for
``.bytes``); nothing is returned half-loaded.
"""

import json
import re
from itertools import chain
from typing import NamedTuple

import numpy as np

from . import pbtxt
from ._util import drain
from .errors import MAX_DEPTH, MAX_DIGITS, ParseError, text_of

LINES_PER_CHUNK = 500  # ~15 ms native, ~40 ms in Pyodide at 50-128 values a line

# A JSON string (its closing quote optional, so an unterminated one ends at the
# line's end instead of backtracking), a bracket or a newline: one linear pass.
_JSON_NESTING = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{}\n]')
_JSON_GAP = re.compile(r"[ \t\r\n,]*")


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


def _check_json_depth(text, name):
    """Raise ParseError at the first bracket nested deeper than MAX_DEPTH.

    json.loads recurses once per level; checking first keeps a hostile file
    from reaching RecursionError. Linear in len(text).
    """
    depth, line = 0, 1
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(name, line, f"not valid JSON: nested deeper than {MAX_DEPTH} levels")
        elif token in ("]", "}"):
            depth = max(0, depth - 1)


def _json_element_lines(text):
    """1-based line of each element of the top-level "embeddings" array (best effort).

    Linear in len(text): newlines are counted only between consecutive elements.
    """
    match = re.search(r'"embeddings"\s*:\s*\[', text)
    if not match:
        return []
    decoder, pos, out = json.JSONDecoder(), match.end(), []
    line, counted = 1, 0
    while True:
        pos = _JSON_GAP.match(text, pos).end()
        if pos >= len(text) or text[pos] == "]":
            return out
        line += text.count("\n", counted, pos)
        counted = pos
        out.append(line)
        try:
            pos = decoder.raw_decode(text, pos)[1]
        except ValueError:  # the match was inside a string: no lines rather than wrong ones
            return out


def parse_config_json(data, name="projector_config.json"):
    """Parse the standalone projector's JSON config.

    Returns
    -------
    list of dict, one per embedding, as `pbtxt.embedding_info` describes.
    """
    text = text_of(data, name)
    _check_json_depth(text, name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(name, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except ValueError:  # int() refused a number of more than MAX_DIGITS digits
        long = next((m for m in re.finditer(r"\d+", text) if len(m.group()) > MAX_DIGITS), None)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        raise ParseError(name, line, f"not valid JSON: a number of more than {MAX_DIGITS} digits") from None
    embeddings = doc.get("embeddings") if isinstance(doc, dict) else None
    if not isinstance(embeddings, list) or not embeddings:
        raise ParseError(name, 1, 'expected an object with a non-empty "embeddings" list')
    lines = _json_element_lines(text)
    out = []
    for k, emb in enumerate(embeddings):
        line = lines[k] if k < len(lines) else 1
        if not isinstance(emb, dict):
            raise ParseError(name, line, f"embedding {k + 1} is not an object")
        sprite = emb.get("sprite")
        if sprite is not None:
            if not isinstance(sprite, dict):
                raise ParseError(name, line, f"embedding {k + 1}: sprite must be an object")
            sprite = {"image_path": sprite.get("imagePath"), "single_image_dim": sprite.get("singleImageDim")}
        out.append(pbtxt.embedding_info(
            name, line, emb.get("tensorName"), emb.get("tensorShape"), emb.get("tensorPath"),
            emb.get("metadataPath"), emb.get("bookmarksPath"), sprite, require_path=True))
    return out


def parse_config_pbtxt(data, name="projector_config.pbtxt"):
    """Parse TensorBoard's projector_config.pbtxt (text format, no protobuf needed)."""
    return pbtxt.parse_projector_config(text_of(data, name), name)


def parse_config(data, name):
    """A config by its file name: ``*.json`` is JSON, anything else pbtxt."""
    return parse_config_json(data, name) if name.lower().endswith(".json") else parse_config_pbtxt(data, name)
