"""Search a metadata column, as the Projector's Inspector does.

A query is a case-insensitive substring, or with ``regex=True`` a regular
expression searched case-insensitively anywhere in the value (JavaScript's
``RegExp(query, 'i').test``). An empty query matches nothing.
"""

import re

import numpy as np


def matcher(query, regex=False):
    """A predicate ``str -> bool`` for one query.

    Raises
    ------
    ValueError
        If `regex` is set and `query` is not a valid regular expression.
    """
    query = "" if query is None else str(query)
    if not query:
        return lambda value: False
    if regex:
        try:
            pattern = re.compile(query, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {query!r}: {exc}") from None
        return lambda value: pattern.search(value) is not None
    needle = query.casefold()
    return lambda value: needle in value.casefold()


def search(values, query, regex=False, limit=None):
    """Indices of the values that match, ascending.

    Parameters
    ----------
    values : sequence of str (None counts as "")
    query : str
    regex : bool
    limit : int, optional; keep only the first `limit` matches.

    Returns
    -------
    (m,) int64
    """
    match = matcher(query, regex)
    hits = [i for i, v in enumerate(values) if match("" if v is None else str(v))]
    if limit is not None and int(limit) > 0:
        hits = hits[:int(limit)]
    return np.array(hits, dtype=np.int64)
