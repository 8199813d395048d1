"""nnlab.events.custom_scalars against TensorBoard's own Layout proto, on the layout written by
TensorBoard's custom_scalar.summary (fixtures/events/plugins/custom, make_plugin_logs.py)."""

from pathlib import Path

from tensorboard.backend.event_processing import event_accumulator as ea_mod
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.util import tensor_util

from nnlab.events import custom_scalars, read_logdir
from tests.damage import damaged

RUN = Path(__file__).resolve().parent.parent / "fixtures" / "events" / "plugins" / "custom"


def _tb_layout():
    acc = ea_mod.EventAccumulator(str(RUN), size_guidance={"tensors": 0})
    acc.Reload()
    raw = tensor_util.make_ndarray(acc.Tensors(custom_scalars.CONFIG_TAG)[-1].tensor_proto).item()
    return raw, layout_pb2.Layout.FromString(raw)


def test_layout_equals_tensorboards_and_multiline_regexes_pick_the_tags():
    raw, tb = _tb_layout()
    ours = custom_scalars.parse_layout(raw)
    assert [c["title"] for c in ours] == [c.title for c in tb.category]
    for cat, tcat in zip(ours, tb.category):
        assert cat["closed"] == tcat.closed
        for chart, tchart in zip(cat["charts"], tcat.chart):
            assert chart["title"] == tchart.title
            if tchart.WhichOneof("content") == "multiline":
                assert chart["kind"] == "multiline" and chart["tags"] == list(tchart.multiline.tag)
            else:
                assert chart["series"] == [{"value": s.value, "lower": s.lower, "upper": s.upper}
                                           for s in tchart.margin.series]
    merged = custom_scalars.layout(read_logdir(RUN.parent))
    multi, margin = merged["categories"][0]["charts"]
    assert multi["series"] == [["custom", "loss/test"], ["custom", "loss/train"]]
    assert margin["runs"] == ["custom"] and merged["warnings"] == []


def test_damaged_layouts_raise_value_error_only():
    raw, _ = _tb_layout()
    for case in damaged(raw, seed=1):
        try:
            custom_scalars.parse_layout(case)
        except ValueError:
            pass
