"""Hostile values in event files: every damaged value is skipped with a warning, the rest kept.

Records are crafted in `eventcraft` (metadata or tags that are not UTF-8,
truncated metadata) and written with TensorBoard's RecordWriter. Big inputs
are sized so that the superlinear code this replaced would take many seconds;
the tests check content only, never time.
"""

import struct

import numpy as np
import pytest

from nnlab.events import read_logdir, wire
from tests.unit.eventcraft import (NAME, accumulated_scalars, event, histogram_value, len_field, long_tag,
                                    our_scalars, value, varint, write)


# -- 1. malformed SummaryMetadata ---------------------------------------------------------
BAD_METAS = {
    "plugin name not UTF-8": len_field(1, len_field(1, b"\xff\xfescalars")),
    "truncated": len_field(1, len_field(1, b"scalars"))[:-3],
    "display name not UTF-8": len_field(2, b"caf\xe9"),
}


@pytest.mark.parametrize("meta", list(BAD_METAS.values()), ids=list(BAD_METAS))
@pytest.mark.parametrize("where", ["alone", "with others", "slow record"])
def test_unreadable_metadata_skips_only_that_value(tmp_path, meta, where):
    good = [event(s, [value(b"loss", s * 0.5)]) for s in range(10)]
    bad = {"alone": event(10, [value(b"m", 1.0, meta)]),
           "with others": event(10, [value(b"loss", 5.0), value(b"m", 1.0, meta), value(b"acc", 0.5)]),
           "slow record": event(10, [value(b"m", 1.0, meta), histogram_value()])}[where]
    datas = good[:5] + [bad] + good[5:] + [event(11, [value(b"m", 2.0)])]
    offsets = write(tmp_path / NAME, datas)
    logs = read_logdir(tmp_path)
    loss = logs.scalars(".", "loss")
    assert loss.steps.tolist() == [0, 1, 2, 3, 4] + ([10] if where == "with others" else []) + [5, 6, 7, 8, 9]
    assert logs.scalars(".", "m").steps.tolist() == [11]  # only the damaged value is gone
    if where == "with others":
        assert logs.scalars(".", "acc").values.tolist() == [0.5]
    if where == "slow record":
        assert logs.histograms(".", "h").steps.tolist() == [10]
    assert len(logs.warnings) == 1
    assert logs.warnings[0].startswith(f"{NAME}: record at offset {offsets[5]}: summary value ")
    if where == "alone":  # the same as TensorBoard reads the file without the damaged record
        (tmp_path / "clean").mkdir()
        write(tmp_path / "clean" / NAME, good + datas[-1:])
        assert our_scalars(logs) == accumulated_scalars(tmp_path / "clean")


# -- 2. tags that are not UTF-8 -----------------------------------------------------------
RAW_TAGS = [b"a", b"\xff", b"b", b"\xfe", b"c\xff", b"d"]
SHOWN = ["a", "\\xff", "b", "\\xfe", "c\\xff", "d"]


@pytest.mark.parametrize("layout", ["one value per record", "all values in one record", "with protobuf values"])
def test_tags_not_utf8_keep_distinct_series(tmp_path, layout):
    steps = range(30)
    if layout == "one value per record":
        datas = [event(s, [value(t, 100 * k + s)]) for s in steps for k, t in enumerate(RAW_TAGS)]
    else:
        extra = [histogram_value(b"h"), histogram_value(b"h\xfe")] if layout == "with protobuf values" else []
        datas = [event(s, [value(t, 100 * k + s) for k, t in enumerate(RAW_TAGS)] + extra) for s in steps]
    write(tmp_path / NAME, datas)
    logs = read_logdir(tmp_path)
    assert logs.tags(".")["scalars"] == sorted(SHOWN)
    for k, tag in enumerate(SHOWN):
        s = logs.scalars(".", tag)
        assert s.steps.tolist() == list(steps)
        assert s.values.tolist() == [100.0 * k + i for i in steps]
    renamed = [w for w in logs.warnings if "not valid UTF-8" in w]
    assert len(renamed) == 3 and all(w.startswith(f"{NAME}: record at offset ") for w in renamed)
    if layout == "with protobuf values":  # protobuf refuses a Value whose tag is not UTF-8
        assert logs.histograms(".", "h").steps.tolist() == list(steps)
        skipped = [w for w in logs.warnings if "skipped" in w]
        assert len(skipped) == len(steps) and all("summary value 7" in w for w in skipped)


def test_tag_not_utf8_spelled_like_a_valid_tag_shares_its_name_without_shifting_others(tmp_path):
    tags = [b"x", b"\\xff", b"\xff", b"y"]  # the valid tag is the four characters \xff
    write(tmp_path / NAME, [event(s, [value(t, 10 * k + s) for k, t in enumerate(tags)]) for s in range(5)])
    logs = read_logdir(tmp_path)
    assert logs.tags(".")["scalars"] == ["\\xff", "x", "y"]
    assert logs.scalars(".", "y").values.tolist() == [30.0 + s for s in range(5)]
    assert logs.scalars(".", "\\xff").values.tolist() == [v for s in range(5) for v in (10.0 + s, 20.0 + s)]
    assert any("not valid UTF-8" in w for w in logs.warnings)


def test_tags_not_utf8_in_later_batches_join_the_same_series(tmp_path):
    datas = [event(s, [value(b"\xff", s), value(b"ok", -s)]) for s in range(6)]
    offsets = write(tmp_path / NAME, datas)
    whole = (tmp_path / NAME).read_bytes()
    (tmp_path / NAME).write_bytes(whole[:offsets[3]])
    logs = read_logdir(tmp_path)
    (tmp_path / NAME).write_bytes(whole)
    logs.reload()
    assert logs.scalars(".", "\\xff").values.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert logs.scalars(".", "ok").values.tolist() == [0.0, -1.0, -2.0, -3.0, -4.0, -5.0]
    assert logs.warnings == [f"{NAME}: record at offset 0: tag is not valid UTF-8, shown as '\\\\xff'"]


# -- 4. sizes that made the reader superlinear ----------------------------------------------
@pytest.mark.parametrize("layout", ["one value per record", "all values in one record"])
def test_a_64kb_tag_among_8000_values(tmp_path, layout):
    tags = [b"t%d" % k for k in range(10)]
    if layout == "one value per record":
        datas = [event(s, [value(tags[s % 10], s)]) for s in range(8000)]
        datas.insert(4000, event(4000, [value(long_tag(), -1.0)]))
    else:
        vals = [value(tags[s % 10], s) for s in range(8000)]
        datas = [event(0, vals[:4000] + [value(long_tag(), -1.0)] + vals[4000:])]
    write(tmp_path / NAME, datas)
    logs = read_logdir(tmp_path)
    assert logs.warnings == []
    assert logs.scalars(".", long_tag().decode()).values.tolist() == [-1.0]
    for k, tag in enumerate(tags):
        assert logs.scalars(".", tag.decode()).values.tolist() == [float(s) for s in range(k, 8000, 10)]
    assert our_scalars(logs) == accumulated_scalars(tmp_path)


def test_one_record_with_20000_values(tmp_path):
    write(tmp_path / NAME, [event(7, [value(b"v%d" % (i % 50), i) for i in range(20000)]),
                            event(8, [value(b"v0", -1.0)])])
    logs = read_logdir(tmp_path)
    assert logs.warnings == [] and len(logs.tags(".")["scalars"]) == 50
    v3 = logs.scalars(".", "v3")
    assert v3.steps.tolist() == [7] * 400 and v3.values.tolist() == [float(i) for i in range(3, 20000, 50)]
    assert logs.scalars(".", "v0").values[-1] == -1.0
    assert our_scalars(logs) == accumulated_scalars(tmp_path)


def fields_by_lane(t):
    rows = zip(t.lane.tolist(), t.order.tolist(), t.number.tolist(), t.wire.tolist(), t.value.tolist(),
               t.pos.tolist(), t.size.tolist())
    return sorted(rows), t.bad.tolist()


def test_long_messages_tokenize_like_short_ones(monkeypatch):
    """Messages with many fields are read in Python: the same fields as numpy's rounds give."""
    rng = np.random.default_rng(6)
    long_msg = b"".join(value(b"v%d" % i, i) + b"\x18" + varint(int(rng.integers(1 << 63))) for i in range(1000))
    msgs = [long_msg, long_msg[:-1], long_msg[:5000] + b"\x07", long_msg[:300], b"\x08\x96\x01",
            bytes(rng.integers(0, 256, 4000, dtype=np.uint8))] + [long_msg[:97]] * 5
    arr = np.frombuffer(b"".join(msgs), np.uint8)
    starts = np.cumsum([0] + [len(m) for m in msgs[:-1]]).astype(np.int64)
    ends = starts + np.array([len(m) for m in msgs], dtype=np.int64)
    mixed = fields_by_lane(wire.tokenize(arr, starts, ends))
    monkeypatch.setattr(wire, "_LANES_PER_ROUND", 1 << 40)  # numpy rounds only
    assert mixed == fields_by_lane(wire.tokenize(arr, starts, ends))
    assert mixed[1][:3] == [False, True, True]


def test_a_plugin_tensor_that_does_not_fit_its_plugin_is_skipped_with_a_warning(tmp_path):
    from nnlab.events.proto import event_pb2, tensor_pb2
    ev = event_pb2.Event(step=1, wall_time=1.0)
    bad = ev.summary.value.add(tag="img", tensor=tensor_pb2.TensorProto(
        dtype=7, string_val=[b"wide", b"3", b"png"], tensor_shape={"dim": [{"size": 3}]}))
    bad.metadata.plugin_data.plugin_name = "images"
    write(tmp_path / NAME, [ev.SerializeToString(), event(2, [value(b"loss", 1.0)])])
    logs = read_logdir(tmp_path)
    assert logs.tags(".")["images"] == [] and logs.tags(".")["tensors"] == []
    assert len(logs.warnings) == 1 and NAME in logs.warnings[0] and "width" in logs.warnings[0]
    assert logs.scalars(".", "loss").values.tolist() == [1.0]


@pytest.mark.parametrize("path", ["fast", "protobuf"])
def test_values_past_the_most_a_record_can_order_are_skipped_with_a_warning(tmp_path, monkeypatch, path):
    """Order keys hold MAX_VALUES values per record (2**20; made small here to keep the test quick)."""
    from nnlab.events import protobuf_decode, scalars
    most = 1000
    monkeypatch.setattr(scalars, "MAX_VALUES", most)
    monkeypatch.setattr(protobuf_decode, "MAX_VALUES", most)
    summary = len_field(1, value(b"a", 1.0)) * most + len_field(1, value(b"a", 2.0)) * 3
    # a log_message before the summary (the oneof's last field wins) sends the record to protobuf
    other = len_field(6, b"\x12\x02hi") if path == "protobuf" else b""
    big = b"\x09" + struct.pack("<d", 5.0) + b"\x10\x05" + other + len_field(5, summary)
    offsets = write(tmp_path / NAME, [event(4, [value(b"b", 4.0)]), big, event(6, [value(b"a", 6.0)])])
    logs = read_logdir(tmp_path)
    a = logs.scalars(".", "a")
    assert a.steps.tolist() == [5] * most + [6] and a.values.tolist() == [1.0] * most + [6.0]
    assert logs.scalars(".", "b").values.tolist() == [4.0]
    assert logs.warnings == [f"{NAME}: record at offset {offsets[1]}: 3 summary values past the first "
                             f"{most} skipped"]
