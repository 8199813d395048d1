"""A small reader for protobuf text format, enough for projector_config.pbtxt.

TensorBoard's ``projector_config.proto``::

    message SpriteMetadata { string image_path = 1; repeated uint32 single_image_dim = 2; }
    message EmbeddingInfo { string tensor_name = 1; string metadata_path = 2;
        string bookmarks_path = 3; repeated uint32 tensor_shape = 4;
        SpriteMetadata sprite = 5; string tensor_path = 8; }
    message ProjectorConfig { string model_checkpoint_path = 1;
        repeated EmbeddingInfo embeddings = 2; string model_checkpoint_dir = 3; }

Text format accepted: ``field: value``, ``field { ... }`` / ``field: { ... }`` /
``field < ... >``, ``field: [v1, v2]`` lists, repeated fields, ``#`` comments,
single- or double-quoted strings with C escapes (adjacent strings join),
optional ``,`` / ``;`` separators. Unknown fields are ignored.
"""

import codecs
import re

from .errors import MAX_DEPTH, MAX_DIGITS, ParseError

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+|\#[^\n]*) | (?P<newline>\n)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[fF]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<symbol>[{}<>\[\]:,;])
""", re.VERBOSE)


def _tokens(text, name):
    """(kind, value, line) tokens; raises ParseError on a stray character."""
    out, line, pos = [], 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ParseError(name, line, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        if kind == "newline":
            line += 1
        elif kind != "space":
            out.append((kind, m.group(), line))
        pos = m.end()
    out.append(("end", "", line))
    return out


def _unquote(token, name, line):
    try:
        return codecs.escape_decode(token[1:-1].encode("utf-8"))[0].decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ParseError(name, line, f"bad escape in string {token[:40]}") from None


class _Parser:
    """Recursive descent over the token list into ``{field: [(value, line), ...]}``."""

    def __init__(self, text, name):
        self.toks, self.pos, self.name = _tokens(text, name), 0, name

    def peek(self):
        return self.toks[self.pos]

    def take(self, *values):
        tok = self.toks[self.pos]
        if values and tok[1] not in values:
            want = " or ".join(repr(v) for v in values)
            raise ParseError(self.name, tok[2], f"expected {want}, found {tok[1] or 'end of file'!r:.60}")
        self.pos += 1
        return tok

    def message(self, close, depth=0):
        """Fields up to `close`; `depth` counts the enclosing blocks (at most MAX_DEPTH)."""
        fields = {}
        while self.peek()[1] != close:
            kind, field, line = self.take()
            if kind != "ident":
                raise ParseError(self.name, line, f"expected a field name, found {field or 'end of file'!r:.60}")
            has_colon = self.peek()[1] == ":" and self.take(":")
            if self.peek()[1] in ("{", "<"):
                opener = self.take()
                if depth >= MAX_DEPTH:  # each block is one Python frame: refuse before the stack runs out
                    raise ParseError(self.name, opener[2], f"blocks nested deeper than {MAX_DEPTH} levels")
                end = "}" if opener[1] == "{" else ">"
                fields.setdefault(field, []).append((self.message(end, depth + 1), line))
                self.take(end)
            elif not has_colon:
                raise ParseError(self.name, line, f"expected ':' after {field!r:.60}")
            elif self.peek()[1] == "[":
                self.take("[")
                while self.peek()[1] != "]":
                    fields.setdefault(field, []).append((self.scalar(), line))
                    if self.peek()[1] != "]":
                        self.take(",")
                self.take("]")
            else:
                fields.setdefault(field, []).append((self.scalar(), line))
            if self.peek()[1] in (",", ";"):
                self.take()
        return fields

    def scalar(self):
        kind, value, line = self.take()
        if kind == "string":
            parts = [_unquote(value, self.name, line)]
            while self.peek()[0] == "string":  # "a" "b" is "ab"
                tok = self.take()
                parts.append(_unquote(tok[1], self.name, tok[2]))
            return "".join(parts)
        if kind == "number":
            text = value.rstrip("fF")
            if any(c in text for c in ".eE"):
                return float(text)
            if len(text.lstrip("+-")) > MAX_DIGITS:  # int() would raise its own ValueError
                raise ParseError(self.name, line, f"integer of {len(text)} digits is too long")
            return int(text)
        if kind == "ident":
            return value
        raise ParseError(self.name, line, f"expected a value, found {value or 'end of file'!r:.60}")


def _positive_ints(values, name, line, what, length=None):
    if values is None:
        return None
    if (not isinstance(values, (list, tuple)) or not values
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)):
        raise ParseError(name, line, f"{what} must be a list of positive integers, got {values!r:.60}")
    if length is not None and len(values) != length:
        raise ParseError(name, line, f"{what} must have {length} entries, got {len(values)}")
    return [int(v) for v in values]


def _string(value, name, line, what):
    if value is not None and not isinstance(value, str):
        raise ParseError(name, line, f"{what} must be a string, got {value!r:.60}")
    return value or None


def embedding_info(name, line, tensor_name, tensor_shape, tensor_path, metadata_path, bookmarks_path,
                   sprite, require_path=False, field_lines=None):
    """Validate one embedding's fields into the dict both config readers return.

    `line` is the embedding's line; `field_lines` ({field: line}) refines it per field.

    Returns
    -------
    dict
        ``tensor_name`` (str), ``tensor_shape`` ([N, d] or None), ``tensor_path``,
        ``metadata_path``, ``bookmarks_path`` (str or None), ``sprite``
        (None or {"image_path": str, "single_image_dim": [w, h]}), ``line`` (int).
    """
    at = dict(field_lines or {})
    for key in ("tensor_name", "tensor_shape", "tensor_path", "metadata_path", "bookmarks_path",
                "image_path", "single_image_dim"):
        at.setdefault(key, at.get("sprite", line) if key in ("image_path", "single_image_dim") else line)
    path = _string(tensor_path, name, at["tensor_path"], "tensor path")
    if require_path and not path:
        raise ParseError(name, line, "an embedding has no tensorPath")
    out = {"tensor_name": _string(tensor_name, name, at["tensor_name"], "tensor name") or path or "",
           "tensor_shape": _positive_ints(tensor_shape, name, at["tensor_shape"], "tensor shape", 2),
           "tensor_path": path,
           "metadata_path": _string(metadata_path, name, at["metadata_path"], "metadata path"),
           "bookmarks_path": _string(bookmarks_path, name, at["bookmarks_path"], "bookmarks path"),
           "sprite": None, "line": line}
    if sprite is not None:
        image = _string(sprite.get("image_path"), name, at["image_path"], "sprite image path")
        if not image:
            raise ParseError(name, at.get("sprite", line), "a sprite needs an image path")
        dim = _positive_ints(sprite.get("single_image_dim"), name, at["single_image_dim"],
                             "sprite single image dim", 2)
        if dim is None:
            raise ParseError(name, at.get("sprite", line), "a sprite needs single_image_dim [width, height]")
        out["sprite"] = {"image_path": image, "single_image_dim": dim}
    return out


def _one(fields, key, name):
    """The value of a singular field (None if absent); twice is an error, as in protobuf."""
    got = fields.get(key, [])
    if len(got) > 1:
        raise ParseError(name, got[1][1], f"field {key!r:.60} given twice")
    return got[0][0] if got else None


def _many(fields, key):
    got = fields.get(key)
    return None if got is None else [v for v, _ in got]


def parse_message(text, name):
    """The top-level fields of a text-format message: ``{field: [(value, line), ...]}``."""
    parser = _Parser(text, name)
    top = parser.message(close="")
    parser.take("")
    return top


def _embeddings(top, name):
    out = []
    for emb, line in top.get("embeddings", []):
        if not isinstance(emb, dict):
            raise ParseError(name, line, "embeddings must be a { ... } block")
        at = {key: got[0][1] for key, got in emb.items()}  # each field's first line
        sprite = _one(emb, "sprite", name)
        if sprite is not None:
            if not isinstance(sprite, dict):
                raise ParseError(name, at["sprite"], "sprite must be a { ... } block")
            at.update({key: got[0][1] for key, got in sprite.items()})
            sprite = {"image_path": _one(sprite, "image_path", name),
                      "single_image_dim": _many(sprite, "single_image_dim")}
        out.append(embedding_info(name, line, _one(emb, "tensor_name", name), _many(emb, "tensor_shape"),
                                  _one(emb, "tensor_path", name), _one(emb, "metadata_path", name),
                                  _one(emb, "bookmarks_path", name), sprite, field_lines=at))
    return out


def parse_projector_config(text, name="projector_config.pbtxt"):
    """Parse a ProjectorConfig in text format that lists its embeddings.

    Returns
    -------
    list of dict, one per embedding (see `embedding_info`).
    """
    out = _embeddings(parse_message(text, name), name)
    if not out:
        raise ParseError(name, 1, "no 'embeddings { ... }' block")
    return out


def parse_run_config(text, name="projector_config.pbtxt"):
    """Parse a run's ProjectorConfig as TensorBoard does: embeddings may name checkpoint
    variables, or be absent (then every 2-D float variable of the checkpoint is one).

    Returns
    -------
    dict
        ``embeddings`` (list, maybe empty; see `embedding_info`) and
        ``model_checkpoint_path`` (str or None).
    """
    top = parse_message(text, name)
    path = _one(top, "model_checkpoint_path", name)
    return {"embeddings": _embeddings(top, name),
            "model_checkpoint_path": _string(path, name, top.get("model_checkpoint_path", [(0, 1)])[0][1],
                                             "checkpoint path")}
