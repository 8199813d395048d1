"""CRC32C (Castagnoli) of many byte ranges at once, vectorised with numpy.

Event files guard every record with a masked CRC32C. Pure-Python CRC runs at a
few MB/s in the browser, so the checksum is computed for all records together:
one numpy lane per byte range, eight bytes per step (slicing-by-8).

- A range whose length is not a multiple of 8 is padded in front with zero
  bytes; the register is started at the state that those zeros carry to the
  CRC's initial value, so the padding changes nothing.
- A long range (graph, image) would make the loop as long as the longest
  record, so its body is cut into `CHUNK`-byte pieces that run as lanes of their
  own (from a zero register) and are merged pairwise: CRC is linear, so
  ``raw(A + B) = advance(raw(A), len(B)) ^ raw(B)``.
"""

import numpy as np

POLY = 0x82F63B78  # CRC32C, bit-reflected
MASK_DELTA = 0xA282EAD8
CHUNK = 256  # bytes per lane for the bodies of long ranges (a multiple of 8)
LEVELS = 24  # advance operators for CHUNK * 2**k bytes: records up to 4 GiB
_U32 = np.uint32
_ALL = 0xFFFFFFFF


def _byte_tables():
    """(8, 256) uint32: row k is the register after one byte then k zero bytes."""
    crc = np.arange(256, dtype=_U32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ _U32(POLY), crc >> 1).astype(_U32)
    rows = [crc]
    for _ in range(7):
        rows.append((rows[-1] >> 8) ^ crc[rows[-1] & 0xFF])
    return np.stack(rows)


def _start_states(table):
    """(8,) uint32: the register that p zero bytes carry to 0xFFFFFFFF, for p = 0..7."""
    top = np.empty(256, dtype=np.int64)
    top[table >> 24] = np.arange(256)  # the top byte of table[i] tells i
    states, s = [_ALL], _ALL
    for _ in range(7):  # step back one zero byte at a time
        i = int(top[s >> 24])
        s = (((s ^ int(table[i])) << 8) | i) & _ALL
        states.append(s)
    return np.array(states, dtype=_U32)


def _advance_tables(table):
    """(LEVELS, 4, 256) uint32: "feed CHUNK * 2**k zero bytes" as four byte look-ups."""
    images = np.left_shift(_U32(1), np.arange(32, dtype=_U32))  # 32 basis registers
    for _ in range(CHUNK):
        images = table[images & 0xFF] ^ (images >> 8)
    bits = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)  # (256, 8)
    levels = []
    for _ in range(LEVELS):
        picked = np.where(bits[None], images.reshape(4, 1, 8), _U32(0))  # (4, 256, 8)
        tables = np.bitwise_xor.reduce(picked, axis=2).astype(_U32)
        levels.append(tables)
        images = _apply(tables, images)  # squaring: twice as many zero bytes
    return np.stack(levels)


def _apply(tables, state):
    """A linear register map given as (4, 256) byte tables, applied to (n,) uint32."""
    return (tables[0][state & 0xFF] ^ tables[1][(state >> 8) & 0xFF]
            ^ tables[2][(state >> 16) & 0xFF] ^ tables[3][state >> 24])


def _frozen(array):
    array.flags.writeable = False
    return array


# Read-only tables, computed once at import (about 10 ms natively)
_T8 = _frozen(_byte_tables())
TABLE = _T8[0]
START = _frozen(_start_states(TABLE))
ADVANCE = _frozen(_advance_tables(TABLE))
# keeps all but the first p bytes of a little-endian word (the zero padding in front of a range)
_PAD_MASK = _frozen(np.array([(0xFFFFFFFFFFFFFFFF << (8 * p)) & 0xFFFFFFFFFFFFFFFF for p in range(8)],
                             dtype=np.uint64))


class _Words:
    """Little-endian uint64 words at any byte offset of a buffer, without copying it.

    An unaligned word is two aligned words joined by shifts (a strided "sliding"
    view gathers about twice as slowly); the sliding view serves only the words
    that reach into the buffer's last, partial aligned word.
    """

    def __init__(self, buf):
        n = buf.size
        self.aligned = np.frombuffer(buf[: n - n % 8], dtype="<u8")
        self.sliding = np.ndarray(shape=(max(n - 7, 0),), dtype="<u8", buffer=buf, strides=(1,))
        self.last = self.aligned.size - 1

    def lanes(self, pos):
        """A per-lane reader of consecutive words from byte offsets `pos`; see `_Lanes`."""
        return _Lanes(self, pos)


class _Lanes:
    """Consecutive words for each lane; lanes only ever drop off the end of the arrays."""

    def __init__(self, words, pos):
        self.words, self.pos = words, pos
        self.index = pos // 8
        shift = (pos % 8).astype(np.uint64) * np.uint64(8)
        self.right, self.left = shift, np.uint64(63) - shift
        self.low = words.aligned[np.minimum(self.index, words.last)] if words.last >= 0 else None

    def word(self, k, a):
        """Word k of the first `a` lanes, (a,) uint64."""
        w = self.words
        nxt = self.index[:a] + (k + 1)
        over = nxt > w.last
        high = w.aligned[np.minimum(nxt, w.last)] if w.last >= 0 else np.zeros(a, np.uint64)
        out = (self.low[:a] >> self.right[:a]) | ((high << np.uint64(1)) << self.left[:a])
        if over.any():  # the last aligned word is partial (or missing): read these directly
            out[over] = w.sliding[self.pos[:a][over] + 8 * k]
        self.low = high
        return out


def _step8(reg, words):
    """Registers (n,) uint32 after the 8 bytes of each (n,) little-endian uint64 word."""
    x = (reg ^ words.view("<u4")[0::2]).astype("<u4").view(np.uint8).reshape(-1, 4)
    b = words.view(np.uint8).reshape(-1, 8)
    t = _T8
    return (t[7][x[:, 0]] ^ t[6][x[:, 1]] ^ t[5][x[:, 2]] ^ t[4][x[:, 3]]
            ^ t[3][b[:, 4]] ^ t[2][b[:, 5]] ^ t[1][b[:, 6]] ^ t[0][b[:, 7]])


def _feed(words, starts, nwords, reg, pad):
    """Run each lane over `nwords` words from byte `starts`; the first `pad` bytes count as zero.

    Parameters
    ----------
    words : _Words
    starts, nwords, pad : (n,) int64
    reg : (n,) uint32
        Registers before the first word.

    Returns
    -------
    (n,) uint32 registers after the last word.
    """
    if nwords.size and nwords.min() == nwords.max():
        order = np.arange(nwords.size)
    else:  # longest first, so the active lanes form a prefix; small ints sort by radix
        small = np.int16 if nwords.max() < 2**15 else np.int64
        order = np.argsort(-nwords.astype(small), kind="stable")
    nw, r = nwords[order], reg[order].copy()
    most = int(nw[0]) if nw.size else 0
    active = nw.size - np.searchsorted(nw[::-1], np.arange(most), side="right")
    lanes = words.lanes(starts[order])
    first_mask = _PAD_MASK[pad[order]]
    for k in range(most):
        a = active[k]
        w = lanes.word(k, a)
        if k == 0:
            w &= first_mask[:a]
        r[:a] = _step8(r[:a], w)
    out = np.empty_like(r)
    out[order] = r
    return out


def _bodies(words, starts, nchunks):
    """Raw CRC (from a zero register) of the first ``nchunks[i] * CHUNK`` bytes of each range."""
    total = int(nchunks.sum())
    raw = np.zeros(starts.size, dtype=_U32)
    if total == 0:
        return raw
    first = np.cumsum(nchunks) - nchunks
    owner = np.repeat(np.arange(starts.size), nchunks.astype(np.intp))
    cstart = starts[owner] + (np.arange(total) - first[owner]) * CHUNK
    zeros = np.zeros(total, dtype=np.int64)
    parts = _feed(words, cstart, np.full(total, CHUNK // 8), np.zeros(total, dtype=_U32), zeros)
    levels = np.ceil(np.log2(np.maximum(nchunks, 1))).astype(np.int64)
    for depth in np.unique(levels[nchunks > 0]):
        rows = np.flatnonzero((levels == depth) & (nchunks > 0))
        size = 1 << int(depth)
        # zero chunks in front leave a raw CRC unchanged, so every row gets `size` chunks
        grid = np.zeros((rows.size, size), dtype=_U32)
        col = np.arange(size)[None, :] - (size - nchunks[rows])[:, None]
        mask = col >= 0
        grid[mask] = parts[(first[rows][:, None] + col)[mask]]
        for level in range(int(depth)):
            grid = _apply(ADVANCE[level], grid[:, 0::2]) ^ grid[:, 1::2]
        raw[rows] = grid[:, 0]
    return raw


def _advance_by_chunks(state, nchunks):
    """Registers (n,) after ``nchunks[i] * CHUNK`` zero bytes each."""
    state = state.copy()
    for level in range(int(nchunks.max(initial=0)).bit_length()):
        live = np.flatnonzero((nchunks >> level) & 1)
        state[live] = _apply(ADVANCE[level], state[live])
    return state


def crc32c_ranges(buf, starts, lengths):
    """CRC32C of ``buf[starts[i]:starts[i] + lengths[i]]`` for every i.

    Parameters
    ----------
    buf : bytes-like or (N,) uint8 ndarray
    starts, lengths : (n,) int
        Each range must lie inside `buf`.

    Returns
    -------
    (n,) uint32 ndarray
    """
    buf = buf if isinstance(buf, np.ndarray) else np.frombuffer(buf, dtype=np.uint8)
    starts = np.asarray(starts, dtype=np.int64).reshape(-1)
    lengths = np.asarray(lengths, dtype=np.int64).reshape(-1)
    if starts.size == 0:
        return np.zeros(0, dtype=_U32)
    nchunks = np.where(lengths >= 2 * CHUNK, lengths // CHUNK, 0)
    head = lengths - nchunks * CHUNK
    pad = -head % 8
    if np.any(starts < pad):  # the zero padding must have buffer bytes to stand on
        buf = np.concatenate([np.zeros(8, dtype=np.uint8), buf])
        starts = starts + 8
    words = _Words(buf)
    state = _feed(words, starts - pad, (head + pad) // 8, START[pad], pad)
    body = _bodies(words, starts + head, nchunks)
    return _advance_by_chunks(state, nchunks) ^ body ^ _U32(_ALL)


def mask(crc):
    """TFRecord's masked CRC: rotate right by 15 bits and add a constant (mod 2**32).

    Parameters
    ----------
    crc : uint32 ndarray or int

    Returns
    -------
    Same shape as `crc`, uint32.
    """
    c = np.asarray(crc, dtype=np.uint64)
    return ((((c >> 15) | (c << 17)) + MASK_DELTA) & 0xFFFFFFFF).astype(_U32)


def crc32c(data):
    """CRC32C of one bytes-like value, as an int."""
    return int(crc32c_ranges(data, [0], [len(data)])[0])


def masked_crc32c(data):
    """Masked CRC32C of one bytes-like value, as an int (what a TFRecord stores)."""
    return int(mask(crc32c(data)))
