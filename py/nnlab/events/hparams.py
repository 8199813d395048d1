"""TensorBoard's hparams plugin data: the experiment and its sessions, read without protobuf.

Writers (TensorFlow's ``hparams_config`` / ``hparams``, tensorboardX and torch
``add_hparams``) put an HParamsPluginData in the plugin content of tags
``_hparams_/experiment``, ``_hparams_/session_start_info`` and
``_hparams_/session_end_info``::

    HParamsPluginData { version = 1; oneof { Experiment experiment = 2;
        SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4 } }
    Experiment { hparam_infos = 4 (HParamInfo { name = 1; display_name = 2 });
        metric_infos = 5 (MetricInfo { name = 1 (MetricName { group = 1; tag = 2 }); display_name = 3 }) }
    SessionStartInfo { map<string, google.protobuf.Value> hparams = 1; group_name = 4; start_time_secs = 5 }
    SessionEndInfo { status = 1 }
    google.protobuf.Value { number_value = 2 (double); string_value = 3; bool_value = 4 }

A run holding a session_start_info is a session. Its metrics are the last values of
the scalar tags the experiment names (in the session's run, or its ``group``
sub-run); tensorboardX and torch write one experiment per session, so the
columns are the union of all experiments, in the order first seen.
"""

import struct

from .wire import message, message_fields, messages, text

EXPERIMENT_TAG = "_hparams_/experiment"
START_TAG = "_hparams_/session_start_info"
END_TAG = "_hparams_/session_end_info"
STATUS = {1: "success", 2: "failure", 3: "running"}


def _first(fields, number, default=None):
    return fields.get(number, [default])[0]


def _value(f):
    """A google.protobuf.Value's fields: float, str, bool or None."""
    if 2 in f:
        if isinstance(f[2][0], bytes):
            raise ValueError("number_value is not a double")
        return struct.unpack("<d", (f[2][0] & (2 ** 64 - 1)).to_bytes(8, "little"))[0]
    if 3 in f:
        return text(f, 3)
    if 4 in f:
        return bool(f[4][0])
    return None


def plugin_data(content):
    """``(kind, fields)`` of an HParamsPluginData: kind "experiment", "start" or "end"
    (None when it holds none); ValueError when the bytes are damaged."""
    f = message_fields(content)
    for number, kind in ((2, "experiment"), (3, "start"), (4, "end")):
        if number in f:
            return kind, message(f, number)
    return None, {}


def experiment(fields):
    """``{"hparams": [{name, display_name}], "metrics": [{tag, group, display_name}]}``."""
    hps = [{"name": text(h, 1), "display_name": text(h, 2)} for h in messages(fields, 4)]
    metrics = []
    for m in messages(fields, 5):
        name = message(m, 1)
        metrics.append({"tag": text(name, 2), "group": text(name, 1), "display_name": text(m, 3)})
    return {"hparams": hps, "metrics": metrics}


def session_start(fields):
    """``{"hparams": {name: value}, "group": str}`` of a SessionStartInfo."""
    values = {}
    for e in messages(fields, 1):
        values[text(e, 1)] = _value(message(e, 2))
    return {"hparams": values, "group": text(fields, 4)}


def _merge(columns, items, key):
    seen = {key(c) for c in columns}
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            columns.append(item)


def _metric_value(reader, run, metric):
    """The last value of the metric's scalar in the session's run (or its group sub-run)."""
    for where in ([f"{run}/{metric['group']}" if run != "." else metric["group"]] if metric["group"] else []) + [run]:
        if where in reader.runs and metric["tag"] in reader.tags(where)["scalars"]:
            s = reader.scalars(where, metric["tag"])
            if len(s):
                return float(s.values[-1]), int(s.steps[-1])
    return None, None


def sessions(reader):
    """The hparams table of a `LogdirReader`.

    Returns
    -------
    dict
        ``hparams`` and ``metrics`` (columns, see `experiment`), ``sessions``:
        ``[{"run", "hparams": {name: value}, "metrics": {tag: value or None},
        "steps": {tag: step}, "status"}]`` one per run with a session start, and
        ``warnings`` (damaged plugin data, by run and tag).
    """
    hps, metrics, rows, warnings = [], [], [], []
    for run in reader.runs:
        found = {}
        for tag, meta in reader.summary_metadata(run).items():  # tbx and torch write metadata only
            if tag not in (EXPERIMENT_TAG, START_TAG, END_TAG) or meta.plugin_name != "hparams":
                continue
            try:
                kind, fields = plugin_data(meta.content)
                found[kind] = experiment(fields) if kind == "experiment" else (
                    session_start(fields) if kind == "start" else fields)
            except ValueError as exc:  # damaged plugin data: this tag is left out, named in a warning
                warnings.append(f"run {run!r}, tag {tag!r}: hparams data unreadable ({exc})")
        if "experiment" in found:
            _merge(hps, found["experiment"]["hparams"], lambda h: h["name"])
            _merge(metrics, found["experiment"]["metrics"], lambda m: (m["group"], m["tag"]))
        if "start" in found:
            end = _first(found.get("end", {}), 1, 0)
            status = STATUS.get(end, "") if isinstance(end, int) else ""
            rows.append({"run": run, **found["start"], "status": status})
    for row in rows:
        _merge(hps, [{"name": n, "display_name": ""} for n in row["hparams"]], lambda h: h["name"])
        got = {m["tag"]: _metric_value(reader, row["run"], m) for m in metrics}
        row["metrics"] = {t: v for t, (v, _) in got.items()}
        row["steps"] = {t: s for t, (_, s) in got.items()}
    return {"hparams": hps, "metrics": metrics, "sessions": rows, "warnings": warnings}
