"""TFRecord framing: split an event file's bytes into records and check their CRCs.

A record is ``u64 length | u32 masked CRC32C(length) | data | u32 masked CRC32C(data)``,
all little-endian. Finding where each record starts is inherently sequential,
but event files repeat themselves: the same tags are written in the same order
every step, so record lengths repeat with a short period. `frame` reads a few
lengths one by one, guesses the period, and checks a whole run of records at the
guessed offsets in one numpy step; a wrong guess costs one check, never a wrong
answer, because a record is only accepted when its stored length is the one the
guess assumed (so the next offset is exactly known).

What happens to damaged bytes (all offsets are reported relative to `base`):

- a record whose data CRC fails is skipped and counted; its neighbours stay;
- a header whose length CRC fails, or an absurd length, means the rest of the
  buffer cannot be framed: `Framing.problem` says where, and reading stops;
- an incomplete last record is quiet: `Framing.end` is where complete records
  end, so a later read of the grown file resumes there (`incomplete_tail` tells
  what is missing); but a header that claims to run past the end while another
  header follows right after it is a lie: it is skipped and reported.
"""

import struct
from dataclasses import dataclass, field

import numpy as np

from .crc import _Words, crc32c_ranges, mask
from .tails import HEADER, OVERHEAD, header_ok, incomplete_tail, lie, u32_at  # noqa: F401 (re-exported)

MAX_RECORD = 1 << 31  # protobuf messages cannot be larger; anything above is corruption
_PROBE_MIN, _PROBE_MAX = 8, 64  # records read one by one before guessing a period
_PERIOD_MAX = 256  # e.g. 5 tags every step and 3 more every 10th: a period of 53 records
_RECENT = 2 * _PERIOD_MAX  # lengths remembered across probes and runs to find such a period


@dataclass
class Framing:
    """The records found in a buffer.

    Attributes
    ----------
    starts, lengths : (n,) int64
        Where each good record's data starts in the buffer, and its length.
    end : int
        Offset just past the last complete record (good or skipped): where
        reading resumes when more bytes arrive.
    bad_crc : (k,) int64
        Offsets (relative to `base`) of records skipped for a bad data CRC.
    problem : str or None
        Why the buffer could not be read to its end (garbage, bad header CRC,
        absurd length); None when it was read to the end or to a partial record.
    skipped : list of str
        Record headers skipped as lies (see `frame`), each with its offset.
    """

    starts: np.ndarray
    lengths: np.ndarray
    end: int
    bad_crc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    problem: str = None
    skipped: list = field(default_factory=list)


def _probe(view, pos, size, count):
    """Read up to `count` headers one by one. Returns offsets, lengths, next pos, status.

    status: "more" (stopped after `count`), "end" (at the end exactly), "partial"
    (the next record is incomplete), "absurd" (the next length is impossible).
    """
    offsets, lengths = [], []
    status = "more"
    for _ in range(count):
        if pos == size:
            status = "end"
            break
        if size - pos < HEADER:
            status = "partial"
            break
        length = struct.unpack_from("<Q", view, pos)[0]
        if length > MAX_RECORD:
            status = "absurd"
            break
        if size - pos < length + OVERHEAD:
            status = "partial"
            break
        offsets.append(pos)
        lengths.append(length)
        pos += length + OVERHEAD
    return offsets, lengths, pos, status


def _period(lengths):
    """Smallest q such that the last 2q lengths repeat with period q, or 0."""
    for q in range(1, min(len(lengths) // 2, _PERIOD_MAX) + 1):
        if lengths[-q:] == lengths[-2 * q:-q]:
            return q
    return 0


def _extend(words, pos, size, pattern):
    """Accept records from `pos` for as long as their lengths follow the repeating `pattern`.

    Checks 64 cycles, then 4x more each time all matched, so a short-lived guess
    costs little and a long run costs a few numpy steps.

    Returns
    -------
    offsets, lengths : (m,) int64
    pos : int
        Offset of the first record not accepted.
    """
    plen = np.asarray(pattern, dtype=np.int64)
    rel = np.concatenate([[0], np.cumsum(plen + OVERHEAD)[:-1]])
    cycle = int(plen.sum()) + OVERHEAD * plen.size
    offsets, batch = [], 64
    while True:
        k = min((size - pos) // cycle, batch)
        if k <= 0:
            break
        at = (pos + np.arange(k, dtype=np.int64)[:, None] * cycle + rel[None, :]).reshape(-1)
        ok = words.sliding[at] == np.tile(plen, k).astype(np.uint64)
        if ok.all():
            offsets.append(at)
            pos += k * cycle
            batch *= 4
            continue
        first_bad = int(np.argmin(ok))
        offsets.append(at[:first_bad])
        pos = int(at[first_bad])
        break
    offsets = np.concatenate(offsets) if offsets else np.zeros(0, np.int64)
    return offsets, np.tile(plen, offsets.size // plen.size + 1)[: offsets.size], pos


def _walk(arr, words):
    """All complete records from offset 0, by their stored lengths (CRCs unchecked).

    Returns
    -------
    offsets, lengths : (n,) int64
    pos : int
        Offset after the last complete record.
    status : str
        As in `_probe` ("more" never).
    """
    view, size = memoryview(arr), arr.size
    parts_o, parts_l = [], []
    pos, probe = 0, _PROBE_MIN
    recent = []  # the last lengths read or accepted, in file order: a long period shows in them
    while True:
        offs, lens, pos, status = _probe(view, pos, size, probe)
        parts_o.append(np.asarray(offs, dtype=np.int64))
        parts_l.append(np.asarray(lens, dtype=np.int64))
        if status != "more":
            break
        recent = (recent + lens)[-_RECENT:]
        q = _period(recent)
        accepted = 0
        if q:
            offs, lens2, pos = _extend(words, pos, size, recent[-q:])
            parts_o.append(offs)
            parts_l.append(lens2)
            accepted = offs.size
            recent = (recent + lens2[-_RECENT:].tolist())[-_RECENT:]
        probe = _PROBE_MIN if accepted else min(2 * probe, _PROBE_MAX)
    return np.concatenate(parts_o), np.concatenate(parts_l), pos, status


def _tail_problem(arr, pos, status, base):
    """Why the bytes after the last complete record can't be read, or None if they may still grow."""
    if status == "absurd" or (status == "partial" and arr.size - pos >= HEADER):
        ok = bool(header_ok(arr, np.array([pos], dtype=np.int64))[0])
        if not ok:
            return f"unreadable bytes at offset {base + pos} (record header CRC mismatch); stopped reading"
        if status == "absurd":
            length = struct.unpack_from("<Q", memoryview(arr), pos)[0]
            return f"absurd record length {length} at offset {base + pos}; stopped reading"
    return None


def _frame_from(arr, base):
    """`frame` up to the first incomplete record (or problem)."""
    words = _Words(arr)
    offsets, lengths, pos, status = _walk(arr, words)
    problem = None
    heads_ok = header_ok(arr, offsets)
    if not heads_ok.all():
        first = int(np.argmin(heads_ok))
        problem = f"unreadable bytes at offset {base + int(offsets[first])} (record header CRC mismatch); stopped reading"
        pos = int(offsets[first])
        offsets, lengths = offsets[:first], lengths[:first]
    else:
        problem = _tail_problem(arr, pos, status, base)
    starts = offsets + HEADER
    data_ok = mask(crc32c_ranges(arr, starts, lengths)) == u32_at(arr, starts + lengths)
    return Framing(starts=starts[data_ok], lengths=lengths[data_ok], end=pos,
                   bad_crc=offsets[~data_ok] + base, problem=problem)


def frame(buf, base=0):
    """Split `buf` into TFRecords and check both CRCs of each.

    A valid header whose record would run past the end of `buf` is either a
    record still being written (left for later) or a lie; it is taken for a lie,
    skipped and reported in `Framing.skipped`, when a valid header follows it
    right away (a writer puts the record's data there).

    Parameters
    ----------
    buf : bytes-like or (N,) uint8 ndarray
        Bytes from a record boundary on (a whole file, or what was appended
        after a previous `Framing.end`).
    base : int
        File offset of ``buf[0]``, only used in messages and `Framing.bad_crc`.

    Returns
    -------
    Framing
    """
    arr = buf if isinstance(buf, np.ndarray) else np.frombuffer(buf, dtype=np.uint8)
    parts, at, skipped = [], 0, []
    while True:  # each pass frames bytes after the last, so this stays linear
        fr = _frame_from(arr[at:], base + at)
        parts.append((at, fr))
        at += fr.end
        found = None if fr.problem or arr.size - at < HEADER else lie(arr, at)
        if found is None:
            break
        skip, message = found
        skipped.append(f"record header at offset {base + at} {message}")
        if skip > HEADER:  # the record's true length is known: keep it
            parts.append((0, Framing(starts=np.array([at + HEADER], np.int64),
                                     lengths=np.array([skip - OVERHEAD], np.int64), end=0)))
        at += skip
    frames = [fr for _, fr in parts]
    return Framing(starts=np.concatenate([fr.starts + o for o, fr in parts]),
                   lengths=np.concatenate([fr.lengths for fr in frames]), end=at,
                   bad_crc=np.concatenate([fr.bad_crc for fr in frames]), problem=fr.problem, skipped=skipped)


def encode(data):
    """One TFRecord holding `data` (bytes): what a writer appends to an event file."""
    return encode_many([data])


def encode_many(datas):
    """TFRecords holding each of `datas` (a list of bytes), concatenated: a whole event file."""
    lengths = np.array([len(d) for d in datas], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths + OVERHEAD)])[:-1]
    out = np.zeros(int(lengths.sum()) + OVERHEAD * lengths.size, dtype=np.uint8)
    for offset, data in zip(offsets.tolist(), datas):
        out[offset + HEADER:offset + HEADER + len(data)] = np.frombuffer(data, np.uint8)
    # lengths, then both masked CRCs, written for all records at once
    idx = offsets[:, None] + np.arange(8)
    out[idx] = lengths.astype("<u8").view(np.uint8).reshape(-1, 8)
    head_crc = mask(crc32c_ranges(out, offsets, np.full(lengths.size, 8)))
    data_crc = mask(crc32c_ranges(out, offsets + HEADER, lengths))
    out[offsets[:, None] + 8 + np.arange(4)] = head_crc.astype("<u4").view(np.uint8).reshape(-1, 4)
    out[(offsets + HEADER + lengths)[:, None] + np.arange(4)] = data_crc.astype("<u4").view(np.uint8).reshape(-1, 4)
    return out.tobytes()
