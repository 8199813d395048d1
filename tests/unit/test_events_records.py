"""TFRecord framing and CRC32C: hand-made records, every kind of damage, appended bytes."""

import struct

import numpy as np
import pytest

from nnlab.events import crc, read_files
from nnlab.events.proto import event_pb2, summary_pb2
from nnlab.events.records import encode, encode_many, frame


def scalar_event(step, value, tag="loss"):
    ev = event_pb2.Event(wall_time=1000.0 + step, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev.SerializeToString()


def records(n, tags=("loss",)):
    """n scalar event records (data only), cycling through `tags`."""
    return [scalar_event(i, i * 0.5, tags[i % len(tags)]) for i in range(n)]


def reference_frame(buf):
    """Offsets and lengths by walking one record at a time (no CRC checks)."""
    pos, out = 0, []
    while pos + 12 <= len(buf):
        (length,) = struct.unpack_from("<Q", buf, pos)
        if pos + length + 16 > len(buf):
            break
        out.append((pos + 12, length))
        pos += length + 16
    return out, pos


# -- CRC32C ---------------------------------------------------------------------------
@pytest.mark.parametrize("data, expected", [
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),  # RFC 3720 B.4 test vectors
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
    (b"", 0),
])
def test_crc32c_known_values(data, expected):
    assert crc.crc32c(data) == expected


def test_crc32c_matches_tensorboard_on_many_ranges():
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
    rng = np.random.default_rng(0)
    buf = rng.integers(0, 256, 300_000, dtype=np.uint8)
    lengths = np.array([0, 1, 3, 7, 8, 9, 255, 256, 511, 512, 513, 777, 4096, 20_001, 100_003])
    starts = np.array([0, 1, 2, 5, 7, 11, 13, 1000, 2001, 5003, 7000, 9999, 20_000, 50_001, 150_000])
    got = crc.mask(crc.crc32c_ranges(buf, starts, lengths))
    want = [masked_crc32c(buf[s:s + n].tobytes()) for s, n in zip(starts, lengths)]
    assert got.tolist() == want


# -- framing --------------------------------------------------------------------------
def test_frame_hand_made_records():
    datas = [b"", b"x", b"hello world", bytes(range(256)) * 3]
    blob = b"".join(encode(d) for d in datas)
    fr = frame(blob)
    assert [blob[s:s + n] for s, n in zip(fr.starts, fr.lengths)] == datas
    assert fr.end == len(blob) and fr.problem is None and fr.bad_crc.size == 0


@pytest.mark.parametrize("tags", [("loss",), ("a", "bb", "ccc"), ("a",) * 7 + ("histogram-ish",)])
def test_frame_matches_one_by_one_walk(tags):
    """Period guessing must find exactly the records a sequential walk finds."""
    rng = np.random.default_rng(1)
    datas = records(3000, tags)
    datas[1500:1500] = [rng.bytes(int(k)) for k in rng.integers(0, 400, 40)]  # irregular stretch
    blob = encode_many(datas)
    assert blob == b"".join(encode(d) for d in datas[:50]) + encode_many(datas[50:])
    fr = frame(blob)
    ref, _ = reference_frame(blob)
    assert list(zip(fr.starts.tolist(), fr.lengths.tolist())) == ref
    assert [blob[s:s + n] for s, n in zip(fr.starts, fr.lengths)] == datas


def test_frame_finds_a_long_period_like_training_logs():
    """5 tags every step and 3 more every 10th (a period of 53 records, as training scripts log):
    the framing finds exactly the sequential walk's records, across a damaged record too."""
    from nnlab.events import writer
    datas = []
    for step in range(2000):
        tags = ("train/loss", "train/acc", "train/lr", "train/grad_norm", "train/throughput")
        tags += ("eval/loss", "eval/acc", "eval/top5") if step % 10 == 0 else ()
        datas += [writer.event(step, wall_time=1.7e9 + step, summary=[writer.scalar_value(t, step * 0.5)]) for t in tags]
    blob = bytearray(encode_many(datas))
    ref, _ = reference_frame(bytes(blob))
    fr = frame(bytes(blob))
    assert list(zip(fr.starts.tolist(), fr.lengths.tolist())) == ref and len(ref) == len(datas)
    blob[ref[5000][0] + 3] ^= 0xFF  # one record's data: only that one is skipped
    fr = frame(bytes(blob))
    assert fr.bad_crc.size == 1 and len(fr.starts) == len(datas) - 1


def test_bad_data_crc_skips_only_that_record():
    datas = records(20)
    blobs = [bytearray(encode(d)) for d in datas]
    blobs[7][14] ^= 0xFF  # a data byte of record 7
    blob = b"".join(blobs)
    fr = frame(blob)
    assert len(fr.starts) == 19
    assert fr.bad_crc.tolist() == [sum(len(b) for b in blobs[:7])]
    assert fr.problem is None and fr.end == len(blob)
    logs = read_files({"run/events.out.tfevents.1": blob})
    s = logs.scalars("run", "loss")
    assert s.steps.tolist() == [i for i in range(20) if i != 7]
    assert len(logs.warnings) == 1 and "events.out.tfevents.1" in logs.warnings[0] and "1 record" in logs.warnings[0]


def test_bad_length_crc_stops_the_file_keeps_what_came_before():
    blobs = [bytearray(encode(d)) for d in records(10)]
    blobs[4][9] ^= 0x01  # the stored CRC of record 4's length
    blob = b"".join(blobs)
    fr = frame(blob)
    assert len(fr.starts) == 4 and fr.problem and "offset" in fr.problem
    assert fr.end == sum(len(b) for b in blobs[:4])


@pytest.mark.parametrize("cut", [1, 5, 11, 12, 13, 20, -5, -1])
def test_truncated_last_record_is_quiet(cut):
    datas = records(6)
    blob = b"".join(encode(d) for d in datas)
    last = len(encode(datas[-1]))
    keep = len(blob) - last + (cut if cut > 0 else last + cut)
    fr = frame(blob[:keep])
    assert len(fr.starts) == 5 and fr.problem is None and fr.bad_crc.size == 0
    assert fr.end == len(blob) - last  # where the next read resumes
    logs = read_files({"events.out.tfevents.9": blob[:keep]})
    assert logs.warnings == [] and logs.offsets == {"events.out.tfevents.9": len(blob) - last}


def absurd_header(length):
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", crc.masked_crc32c(head))


@pytest.mark.parametrize("damage", ["garbage", "empty", "absurd", "garbage_after_records"])
def test_damaged_file_warns_and_the_rest_of_the_logdir_loads(damage):
    good = b"".join(encode(d) for d in records(5))
    bad = {"garbage": np.random.default_rng(3).bytes(5000), "empty": b"",
           "absurd": absurd_header(1 << 62) + b"\0" * 100,
           "garbage_after_records": good + b"\x17" * 64}[damage]
    logs = read_files({"ok/events.out.tfevents.1": good, "bad/events.out.tfevents.2": bad,
                       "ok/events.out.tfevents.3": encode(scalar_event(9, 1.0))})
    assert logs.scalars("ok", "loss").steps.tolist() == [0, 1, 2, 3, 4, 9]
    assert len(logs.warnings) == 1 and logs.warnings[0].startswith("bad/events.out.tfevents.2: ")
    message = logs.warnings[0]
    assert {"garbage": "unreadable", "empty": "empty", "absurd": "absurd",
            "garbage_after_records": "unreadable"}[damage] in message
    if damage == "garbage_after_records":
        assert logs.scalars("bad", "loss").steps.tolist() == [0, 1, 2, 3, 4]
        assert f"offset {len(good)}" in message
    # bytes appended after unreadable ones are ignored, without a second warning
    logs.update({"bad/events.out.tfevents.2": good})
    if damage != "empty":
        assert len(logs.warnings) == 1


def test_appended_bytes_read_like_the_whole_file():
    datas = records(200, ("a", "b", "c"))
    blob = b"".join(encode(d) for d in datas)
    whole = read_files({"events.out.tfevents.1": blob})
    rng = np.random.default_rng(4)
    cuts = sorted(set(rng.integers(1, len(blob), 25).tolist()))
    logs = read_files({"events.out.tfevents.1": blob[:cuts[0]]})
    for lo, hi in zip(cuts, cuts[1:] + [len(blob)]):
        logs.update({"events.out.tfevents.1": blob[lo:hi]})
        assert logs.offsets["events.out.tfevents.1"] <= hi
    assert logs.warnings == []
    for tag in ("a", "b", "c"):
        got, want = logs.scalars(".", tag), whole.scalars(".", tag)
        assert got.steps.tolist() == want.steps.tolist()
        np.testing.assert_array_equal(got.values, want.values)
        np.testing.assert_array_equal(got.wall_times, want.wall_times)


def test_varint_steps_and_odd_values_survive_framing():
    steps = [0, 1, 127, 128, 16383, 16384, 2**31, 2**40, -1, -(2**40)]
    datas = [scalar_event(s, float(k)) for k, s in enumerate(steps)]
    logs = read_files({"events.out.tfevents.1": b"".join(encode(d) for d in datas)})
    assert logs.scalars(".", "loss").steps.tolist() == steps


def test_summary_event_with_multiple_values_keeps_value_order():
    ev = event_pb2.Event(wall_time=5.0, step=3)
    for k in range(5):
        ev.summary.value.add(tag=f"t{k % 2}", simple_value=k)
    ev.summary.value.add(tag="h", histo=summary_pb2.HistogramProto(min=0, max=1, num=1, bucket_limit=[1], bucket=[1]))
    logs = read_files({"events.out.tfevents.1": encode(ev.SerializeToString())})
    assert logs.scalars(".", "t0").values.tolist() == [0.0, 2.0, 4.0]
    assert logs.scalars(".", "t1").values.tolist() == [1.0, 3.0]
    assert logs.histograms(".", "h").values[0].buckets.tolist() == [[0.0, 1.0, 1.0]]
