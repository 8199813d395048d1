"""nnlab.events.hparams against TensorBoard's own hparams plugin code, on logs written by
TensorFlow's hparams API (fixtures/events/plugins), torch and tensorboardX add_hparams."""

from pathlib import Path

import pytest
from tensorboard.backend.event_processing import event_accumulator as ea_mod
from tensorboard.plugins.hparams import metadata as tb_meta
from tensorboard.util import tensor_util

from nnlab.events import hparams, read_logdir
from tests.damage import damaged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "events"


def _tb_value(v):
    kind = v.WhichOneof("kind")
    return {"number_value": v.number_value, "string_value": v.string_value, "bool_value": v.bool_value}.get(kind)


@pytest.mark.parametrize("writer", ["plugins", "torch", "tbx"])
def test_sessions_equal_tensorboards_reading(writer):
    reader = read_logdir(FIXTURES / writer)
    got = hparams.sessions(reader)
    assert got["warnings"] == []
    want_rows, names, metrics = {}, [], []
    for run in reader.runs:
        acc = ea_mod.EventAccumulator(str(FIXTURES / writer / run), size_guidance={"scalars": 0, "tensors": 0})
        acc.Reload()
        meta = {t: m for t, m in acc.summary_metadata.items() if m.plugin_data.plugin_name == "hparams"}
        if tb_meta.EXPERIMENT_TAG in meta:
            exp = tb_meta.parse_experiment_plugin_data(meta[tb_meta.EXPERIMENT_TAG].plugin_data.content)
            names += [h.name for h in exp.hparam_infos if h.name not in names]
            metrics += [m.name.tag for m in exp.metric_infos if m.name.tag not in metrics]
        if tb_meta.SESSION_START_INFO_TAG in meta:
            start = tb_meta.parse_session_start_info_plugin_data(meta[tb_meta.SESSION_START_INFO_TAG].plugin_data.content)
            last = {tag: acc.Scalars(tag)[-1].value for tag in acc.Tags()["scalars"]}
            last.update({tag: float(tensor_util.make_ndarray(acc.Tensors(tag)[-1].tensor_proto))  # TF2 scalars
                         for tag in acc.Tags()["tensors"] if acc.summary_metadata[tag].plugin_data.plugin_name == "scalars"})
            want_rows[run] = ({k: _tb_value(v) for k, v in start.hparams.items()}, last)
    assert want_rows, "the fixture has sessions"
    assert [h["name"] for h in got["hparams"]] == names
    assert [m["tag"] for m in got["metrics"]] == metrics
    assert {r["run"] for r in got["sessions"]} == set(want_rows)
    for row in got["sessions"]:
        values, last = want_rows[row["run"]]
        assert row["hparams"] == values
        assert row["metrics"] == {tag: last[tag] for tag in metrics}


def test_damaged_plugin_data_raises_value_error_only():
    content = read_logdir(FIXTURES / "plugins").summary_metadata("hparams")[hparams.EXPERIMENT_TAG].content
    for case in damaged(content):
        try:
            kind, fields = hparams.plugin_data(case)
            if kind == "experiment":
                hparams.experiment(fields)
            elif kind == "start":
                hparams.session_start(fields)
        except ValueError:
            pass
