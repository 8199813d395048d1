"""The one error type of the Projector's readers, and text decoding that reports lines."""

# Deepest nesting the config readers accept. A projector config nests 4 levels;
# json.loads and the pbtxt reader recurse once per level, so without a bound a
# file of 100,000 brackets ends in RecursionError (or a blown wasm stack).
MAX_DEPTH = 64
# Longest integer literal accepted: CPython's int() refuses more than 4,300
# digits with its own ValueError (sys.get_int_max_str_digits).
MAX_DIGITS = 4300


class ParseError(ValueError):
    """A file could not be read; the message names the file and the line.

    Attributes
    ----------
    name : str, the file name.
    line : int or None, 1-based line (or row of a ``.bytes`` file); None when
        the whole file is at fault (e.g. a wrong byte count).
    reason : str, what is wrong, without the location.
    """

    def __init__(self, name, line, reason, unit="line"):
        self.name, self.line, self.reason = name, line, reason
        where = f"{name}, {unit} {line}" if line is not None else name
        super().__init__(f"{where}: {reason}")


def text_of(data, name):
    """UTF-8 text of a str or bytes-like file, without a byte-order mark.

    Raises
    ------
    ParseError
        If the bytes are not UTF-8, naming the line of the first bad byte.
    """
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ParseError(name, line, f"not UTF-8 text (byte {exc.start + 1})") from None
    return text[1:] if text.startswith("\ufeff") else text
