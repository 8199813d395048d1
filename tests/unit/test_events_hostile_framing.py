"""Hostile framing and oversized records: warnings that name the file and offset, the rest kept.

A header with a valid CRC may claim more bytes than the file holds: a record
still being written (quiet, see `LogdirReader.incomplete`) or a lie that would
drop the rest of the file.
"""

import pytest

from nnlab.events import read_files, read_logdir
from tests.unit.eventcraft import NAME, accumulated_scalars, event, header, long_tag, our_scalars, value, write


# -- 3. a valid header claiming more bytes than the file has ------------------------------
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
                             f"of the file ({len(blob) - offsets[5]} follow), and another record starts "
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
                             f"of the file ({len(blob) - offsets[at] - 12} follow), but its Event ends after "
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
