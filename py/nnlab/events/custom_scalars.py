"""TensorBoard's custom scalars plugin: the layout a run stores, read without protobuf.

tensorboardX / torch ``add_custom_scalars`` and TensorBoard's
``custom_scalar.summary`` write a string tensor under the tag
``custom_scalars__config__`` (plugin "custom_scalars") holding a Layout::

    Layout { int32 version = 1; repeated Category category = 2; }
    Category { string title = 1; repeated Chart chart = 2; bool closed = 3; }
    Chart { string title = 1; oneof { MultilineChartContent multiline = 2; MarginChartContent margin = 3; } }
    MultilineChartContent { repeated string tag = 1; }       # regular expressions
    MarginChartContent { repeated Series series = 1; }
    Series { string value = 1; string lower = 2; string upper = 3; }

As TensorBoard does, the layouts of all runs are merged: categories of the same
title become one, and a chart already in it is not repeated. A multiline chart
shows every (run, scalar tag) whose tag its regular expressions match from the
start (``re.match``); an invalid expression matches nothing and is reported.
"""

import re

from .wire import message_fields, messages, text, texts

CONFIG_TAG = "custom_scalars__config__"


def _chart(f):
    title = text(f, 1)
    if 3 in f:
        series = [{"value": text(s, 1), "lower": text(s, 2), "upper": text(s, 3)}
                  for m in messages(f, 3) for s in messages(m, 1)]
        return {"title": title, "kind": "margin", "series": series}
    tags = [t for m in messages(f, 2) for t in texts(m, 1)]
    return {"title": title, "kind": "multiline", "tags": tags}


def parse_layout(data):
    """A serialized Layout -> ``[{"title", "closed", "charts": [...]}]``; ValueError when damaged."""
    f = message_fields(bytes(data))
    return [{"title": text(c, 1), "closed": bool(c.get(3, [0])[0]), "charts": [_chart(ch) for ch in messages(c, 2)]}
            for c in messages(f, 2)]


def _merge(into, categories):
    for cat in categories:
        have = next((c for c in into if c["title"] == cat["title"]), None)
        if have is None:
            into.append({**cat, "charts": list(cat["charts"])})
            continue
        have["charts"] += [ch for ch in cat["charts"] if ch not in have["charts"]]


def _matches(reader, patterns, warnings):
    out = []
    for pattern in patterns:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            warnings.append(f"custom scalars: invalid regular expression {pattern!r} ({exc})")
            continue
        out += [[run, tag] for run in reader.runs for tag in reader.tags(run)["scalars"]
                if rx.match(tag) and [run, tag] not in out]
    return out


def layout(reader):
    """The merged layout of a `LogdirReader`, each multiline chart with the series it shows.

    Returns
    -------
    dict
        ``categories``: ``[{"title", "closed", "charts": [{"title", "kind": "multiline",
        "tags": [regex], "series": [[run, tag], ...]} | {"title", "kind": "margin",
        "series": [{"value", "lower", "upper"}], "runs": [run with all three tags]}]}]``;
        ``warnings``: layouts that could not be read, invalid expressions.
    """
    categories, warnings = [], []
    for run in reader.runs:
        if CONFIG_TAG not in reader.tags(run)["tensors"]:
            continue
        value = reader.tensors(run, CONFIG_TAG).values[-1]
        try:
            _merge(categories, parse_layout(value.array.reshape(-1)[0]))
        except (ValueError, IndexError, TypeError) as exc:  # not a Layout: named, the rest still shows
            warnings.append(f"run {run!r}: custom scalars layout unreadable ({exc})")
    for cat in categories:
        for chart in cat["charts"]:
            if chart["kind"] == "multiline":
                chart["series"] = _matches(reader, chart["tags"], warnings)
            else:
                chart["runs"] = [run for run in reader.runs if all(
                    s[k] in reader.tags(run)["scalars"] for s in chart["series"] for k in ("value", "lower", "upper"))]
    return {"categories": categories, "warnings": warnings}
