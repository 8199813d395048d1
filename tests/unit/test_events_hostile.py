"""Damaged and hostile event files: every damaged value is skipped with a warning, the rest kept.

Files are written with TensorBoard's own RecordWriter; records are crafted as
raw wire bytes where protobuf would refuse to write them (tags or metadata
that are not UTF-8, truncated metadata). Big inputs are sized so that the
superlinear code this replaced would take many seconds; the tests check
content only, never time.
"""

import struct

import numpy as np
import pytest

from nnlab.events import read_files, read_logdir, wire
from nnlab.events.crc import masked_crc32c

from tensorboard.backend.event_processing import event_accumulator as ea_mod  # noqa: E402
from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

NAME = "events.out.tfevents.1.host"


def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def len_field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def value(tag, simple, meta=None):
    """Summary.Value bytes: tag (bytes), simple_value, optional raw SummaryMetadata bytes."""
    out = len_field(1, tag) + b"\x15" + struct.pack("<f", simple)
    return out + (len_field(9, meta) if meta is not None else b"")


def event(step, values, wall=None):
    """Event bytes holding a Summary of the given Value bytes."""
    head = b"\x09" + struct.pack("<d", 1000.0 + step if wall is None else wall) + b"\x10" + varint(step)
    return head + len_field(5, b"".join(len_field(1, v) for v in values))


def histogram_value(tag=b"h"):
    """A Value holding a histogram: read by protobuf, not the fast path."""
    histo = b"\x09" + struct.pack("<d", 0.0) + b"\x11" + struct.pack("<d", 1.0) + b"\x19" + struct.pack("<d", 3.0)
    histo += len_field(6, struct.pack("<d", 1.0)) + len_field(7, struct.pack("<d", 3.0))
    return len_field(1, tag) + len_field(5, histo)


def write(path, datas):
    """Write records with TensorBoard's writer; returns the offset of each record."""
    with open(path, "wb") as f:
        writer = RecordWriter(f)
        for data in datas:
            writer.write(data)
    return np.cumsum([0] + [len(d) + 16 for d in datas[:-1]]).tolist()


def accumulated_scalars(path):
    acc = ea_mod.EventAccumulator(str(path), size_guidance={k: 0 for k in ea_mod.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    return {tag: ([e.step for e in acc.Scalars(tag)], [e.value for e in acc.Scalars(tag)])
            for tag in acc.Tags()["scalars"]}


def our_scalars(logs, run="."):
    out = {}
    for tag in logs.tags(run)["scalars"]:
        s = logs.scalars(run, tag)
        out[tag] = (s.steps.tolist(), s.values.astype(np.float32).tolist())
    return out


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
def long_tag(n=1 << 16):
    return bytes(np.random.default_rng(5).integers(97, 123, n, dtype=np.uint8))


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


# -- 3. a valid header claiming more bytes than the file has ------------------------------
def header(length):
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", masked_crc32c(head))


def records_file(path, steps, tag=b"loss"):
    offsets = write(path, [event(s, [value(tag, s * 0.25)]) for s in steps])
    return path.read_bytes(), offsets


def test_header_past_the_end_followed_by_records_is_skipped_and_the_rest_kept(tmp_path):
    blob, offsets = records_file(tmp_path / NAME, range(10))
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / NAME).write_bytes(blob)
    (tmp_path / NAME).write_bytes(blob[:offsets[5]] + header(10 ** 6) + blob[offsets[5]:])
    logs = read_logdir(tmp_path)
    assert logs.scalars(".", "loss").steps.tolist() == list(range(10))
    assert our_scalars(logs) == accumulated_scalars(tmp_path / "clean")
    assert logs.warnings == [f"{NAME}: record header at offset {offsets[5]} claims 1000000 bytes, past the end "
                             f"of the file ({len(blob) - offsets[5] - 4} follow), and another record starts "
                             "right after it: skipped the header"]


@pytest.mark.parametrize("at", [0, 6, 9])
def test_header_replaced_by_one_claiming_past_the_end_keeps_every_record(tmp_path, at):
    datas = [event(s, [value(b"loss", s * 0.25), value(b"acc", -s)]) for s in range(10)]
    offsets = write(tmp_path / NAME, datas)
    blob = bytearray((tmp_path / NAME).read_bytes())
    blob[offsets[at]:offsets[at] + 12] = header(10 ** 7)
    (tmp_path / NAME).write_bytes(bytes(blob))
    logs = read_logdir(tmp_path)
    assert logs.scalars(".", "loss").steps.tolist() == list(range(10))
    assert logs.scalars(".", "acc").values.tolist() == [-float(s) for s in range(10)]
    assert logs.warnings == [f"{NAME}: record header at offset {offsets[at]} claims 10000000 bytes, past the end "
                             f"of the file ({len(blob) - offsets[at] - 16} follow), but its Event ends after "
                             f"{len(datas[at])} bytes where its data CRC matches: read it so"]
    assert logs.incomplete == {}


@pytest.mark.parametrize("junk", [b"\xff" * 50, b"\x00" * 7])
def test_header_past_the_end_followed_by_no_event_warns_and_keeps_what_came_before(tmp_path, junk):
    blob, offsets = records_file(tmp_path / NAME, range(10))
    (tmp_path / NAME).write_bytes(blob[:offsets[6]] + header(1 << 30) + junk)
    logs = read_logdir(tmp_path)
    assert logs.scalars(".", "loss").steps.tolist() == list(range(6))
    assert logs.warnings == [f"{NAME}: the file ends inside the record at offset {offsets[6]}: its header claims "
                             f"{1 << 30} bytes, {len(junk)} follow, and they do not start like an Event"]


def test_record_still_being_written_is_quiet_until_the_file_is_cut_short(tmp_path):
    blob, offsets = records_file(tmp_path / NAME, range(10))
    (tmp_path / NAME).write_bytes(blob[:offsets[7] + 20])
    logs = read_logdir(tmp_path)
    assert logs.warnings == [] and logs.scalars(".", "loss").steps.tolist() == list(range(7))
    claim = offsets[8] - offsets[7] - 16
    assert logs.incomplete == {NAME: f"the file ends inside the record at offset {offsets[7]}: its header "
                                     f"claims {claim} bytes, 8 follow"}
    (tmp_path / NAME).write_bytes(blob)
    logs.reload()
    assert logs.warnings == [] and logs.incomplete == {} and len(logs.scalars(".", "loss")) == 10
    (tmp_path / NAME).write_bytes(blob[:offsets[7] + 20])
    again = read_logdir(tmp_path)
    (tmp_path / NAME).write_bytes(blob[:offsets[7]])  # shrank: the record will never be completed
    again.reload()
    assert [w for w in again.warnings if f"offset {offsets[7]}" in w]


def test_a_big_record_fed_in_small_pieces(tmp_path):
    """Bytes of an incomplete record are kept aside until it is complete, not joined on every piece."""
    big = event(3, [value(long_tag(300_000), 2.5)])
    write(tmp_path / NAME, [event(s, [value(b"x", s)]) for s in range(3)] + [big, event(4, [value(b"x", 4)])])
    blob = (tmp_path / NAME).read_bytes()
    logs = read_files({NAME: blob[:100]})
    for lo in range(100, len(blob), 997):
        logs.update({NAME: blob[lo:lo + 997]})
    assert logs.warnings == [] and logs.incomplete == {}
    assert logs.scalars(".", "x").values.tolist() == [0.0, 1.0, 2.0, 4.0]
    assert logs.scalars(".", long_tag(300_000).decode()).steps.tolist() == [3]


def test_a_plugin_tensor_that_does_not_fit_its_plugin_stays_a_tensor(tmp_path):
    from nnlab.events.proto import event_pb2, tensor_pb2
    ev = event_pb2.Event(step=1, wall_time=1.0)
    bad = ev.summary.value.add(tag="img", tensor=tensor_pb2.TensorProto(
        dtype=7, string_val=[b"wide", b"3", b"png"], tensor_shape={"dim": [{"size": 3}]}))
    bad.metadata.plugin_data.plugin_name = "images"
    write(tmp_path / NAME, [ev.SerializeToString(), event(2, [value(b"loss", 1.0)])])
    logs = read_logdir(tmp_path)
    assert logs.tags(".")["tensors"] == ["img"] and logs.tags(".")["images"] == []
    assert logs.tensors(".", "img").values[0].array.tolist() == [b"wide", b"3", b"png"]
    assert logs.scalars(".", "loss").values.tolist() == [1.0]


@pytest.mark.parametrize("path", ["fast", "protobuf"])
def test_values_past_the_most_a_record_can_order_are_skipped_with_a_warning(tmp_path, monkeypatch, path):
    """Order keys hold MAX_VALUES values per record (2**20; made small here to keep the test quick)."""
    from nnlab.events import fastpath, slow
    most = 1000
    monkeypatch.setattr(fastpath, "MAX_VALUES", most)
    monkeypatch.setattr(slow, "MAX_VALUES", most)
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
