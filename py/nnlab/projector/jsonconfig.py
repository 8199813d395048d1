"""The standalone projector's JSON config (camelCase keys), read hostile-safe.

Nesting is checked before ``json.loads`` (which recurses once per level) and
every scan is one linear pass, so a file of 100,000 brackets or one very long
line ends in `ParseError` naming the file and the line.
"""

import json
import re

from . import pbtxt
from .errors import MAX_DEPTH, MAX_DIGITS, ParseError, text_of

# A JSON string (its closing quote optional, so an unterminated one ends at the
# line's end instead of backtracking), a bracket or a newline: one linear pass.
_JSON_NESTING = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{}\n]')
_JSON_GAP = re.compile(r"[ \t\r\n,]*")


def check_json_depth(text, name, limit=MAX_DEPTH):
    """Raise ParseError at the first bracket nested deeper than `limit`.

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
            if depth > limit:
                raise ParseError(name, line, f"not valid JSON: nested deeper than {limit} levels")
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
    check_json_depth(text, name)
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
