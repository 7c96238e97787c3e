"""The verification QR code's module matrix, exactly as the `qrcode` library draws it, ~100x faster.

`qrcode` places the data once per candidate mask (nine passes, ~0.5 ms each in pure Python),
scores each mask module by module and builds the codewords bit by bit with polynomial objects.
Here the segments are bit strings, Reed-Solomon is table-driven, and the whole matrix is ONE
Python int: every row, then every column, each followed by a light separator bit. The data is
placed into it once (a C-level gather, `operator.itemgetter`, built once per version), each of the
eight masks is one XOR, and the penalty (`_packed_penalty`) is a few dozen shifts, ANDs and bit
counts over the whole matrix at once. A dense code carrying the signed offline payload (issue 13,
version ~17) takes ~0.6 ms instead of ~4.5 ms with row strings and ~75 ms with `qrcode` itself.
What stays `qrcode`'s: the split into numeric / alphanumeric / byte
segments (`optimal_data_chunks`), the capacity and block tables, the mask patterns, and the
function patterns (finders, timing, alignment, format and version information are drawn by its
own `setup_*` methods into a blank grid once per version); these are `qrcode` internals, reached
only through `_qrcode_seam.py` (pinned; docs/decisions/0004-hand-written-qr-encoder.md). Tests
check the version, codewords, every mask's score and the matrix are `qrcode`'s, and that every block's error correction
checks out (zero syndromes). One difference: `qrcode` 8.2 fails (``glog(0)``) on a data block of
all zero bytes, e.g. a URL ending in ~100 zeros; this encoder gives the correct code.

Error correction level M, no quiet zone (the renderer keeps the quiet zone free).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from . import _qrcode_seam as qrcode_seam

__all__ = ["qr_matrix", "qr_penalty", "qr_rows"]

# --- packed (bit-parallel) matrix: every row, then every column, each followed by one light separator ---


@dataclass(frozen=True)
class _Packing:
    """Masks of one matrix size in the packed form (see `_packed_penalty`)."""

    size: int
    stride: int  # size + 1: a line's modules, then its separator
    half: int  # bits of one orientation (size * stride): the columns are the low half
    valid: int  # 1 at every module, 0 at the separators
    blocks: int  # the rows' (r, c) with r < size - 1 and c >= 1: where a 2x2 block is anchored


@cache
def _packing(size: int) -> _Packing:
    stride = size + 1
    line = "1" * size + "0"
    block_rows = ("0" + "1" * (size - 1) + "0") * (size - 1) + "0" * stride
    return _Packing(
        size=size,
        stride=stride,
        half=size * stride,
        valid=int(line * (2 * size), 2),
        blocks=int(block_rows + "0" * size * stride, 2),
    )


def _runs_penalty(line_bits: int) -> int:
    """N1 for one colour: a run of L >= 5 scores L - 2, i.e. one per window of five (L - 4) plus
    two per run (a run's windows are contiguous, and two runs' windows never touch)."""
    pairs = line_bits & (line_bits >> 1)
    windows = pairs & (pairs >> 2) & (line_bits >> 4)  # bit b: modules b..b+4 all of this colour
    return windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()


def _packed_penalty(z: int, p: _Packing) -> int:
    """ISO/IEC 18004 7.8.3 penalty, as `qrcode.util.lost_point` scores it, of a matrix packed as
    one int: the rows then the columns as bit strings, each line followed by a light separator
    (so no run or pattern crosses from one line into the next). Every rule is a few shifts and
    ANDs over the whole matrix at once."""
    dark, light = z, z ^ p.valid
    penalty = _runs_penalty(dark) + _runs_penalty(light)
    # N3: 1011101 with four light modules on either side (bit b is the pattern's last module).
    core = dark & (light >> 1) & (dark >> 2) & (dark >> 3) & (dark >> 4) & (light >> 5) & (dark >> 6)
    light2 = light & (light >> 1)
    light4 = light2 & (light2 >> 2)
    penalty += 40 * ((light4 & (core >> 4)).bit_count() + (core & (light4 >> 7)).bit_count())
    # N2: 2x2 blocks of one colour, counted on the rows (bit of (r, c) against (r+1, c) and (r, c-1)).
    same_below = ~(z ^ (z << p.stride))
    blocks = same_below & (same_below >> 1) & ~(z ^ (z >> 1)) & p.blocks
    penalty += 3 * blocks.bit_count()
    # N4: the dark share off 50%, 10 per 5% (every module is counted twice: row and column).
    n = p.size
    return penalty + int(abs(dark.bit_count() // 2 * 100 / (n * n) - 50) / 5) * 10


def _pack(rows: Sequence[str]) -> int:
    """Row strings ("1" dark) as the packed int: rows, then columns, each followed by "0"."""
    columns = ("".join(col) for col in zip(*rows, strict=True))
    return int("".join(line + "0" for line in itertools.chain(rows, columns)), 2)


def qr_penalty(modules: Sequence[Sequence[bool | None]]) -> int:
    """The mask penalty exactly as `qrcode.util.lost_point` scores it: N1 runs of 5+ (3 + extra),
    N2 2x2 blocks (3 each), N3 finder-like 1:1:3:1:1 with 4 light (40 each), N4 dark share off
    50% (10 per 5%)."""
    rows = ["".join("1" if m else "0" for m in row) for row in modules]
    return _packed_penalty(_pack(rows), _packing(len(rows)))


@dataclass(frozen=True)
class _Layout:
    """Everything about a version that does not depend on the data (built once per version),
    packed as `_packed_penalty` reads a matrix: the rows, then the columns."""

    packing: _Packing
    #: Function patterns as drawn while scoring masks (format/version information left light).
    scoring: int
    #: Per mask, the function patterns as finally drawn (format information names the mask), rows only.
    final_rows: tuple[int, ...]
    #: Per mask, the data modules the mask inverts.
    masks: tuple[int, ...]
    #: Picks each packed position's module out of the data bits padded with light ones: a data
    #: module's bit in placement order, anything else (function module, separator) a light one.
    place: Callable[[str], tuple[str, ...]]
    #: The data modules of the version (data bits past the codewords are remainder bits, light).
    data_modules: int


def _grid_rows(grid: Sequence[Sequence[bool | None]]) -> list[str]:
    return ["".join("1" if m else "0" for m in row) for row in grid]


def _placement_order(grid: Sequence[Sequence[bool | None]]) -> list[tuple[int, int]]:
    """Data module positions in the order qrcode's `map_data` fills them (two-column zigzag from
    the bottom right, skipping the vertical timing column)."""
    size = len(grid)
    order = []
    row, step = size - 1, -1
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        while True:
            for col in (right, right - 1):
                if grid[row][col] is None:
                    order.append((row, col))
            row += step
            if not 0 <= row < size:
                row -= step
                step = -step
                break
    return order


@cache
def _layout(version: int) -> _Layout:
    scoring = qrcode_seam.function_grid(version, scoring=True, mask=0)
    packing = _packing(len(scoring))
    stride, half = packing.stride, packing.half
    positions = _placement_order(scoring)
    light = len(positions)  # the index of a light module in the padded data bits
    sources = [light] * (2 * half)
    for k, (r, c) in enumerate(positions):
        sources[r * stride + c] = sources[half + c * stride + r] = k
    masks = []
    for mask in range(8):
        inverted = ["0"] * (2 * half)
        test = qrcode_seam.mask_test(mask)
        for r, c in positions:
            if test(r, c):
                inverted[r * stride + c] = inverted[half + c * stride + r] = "1"
        masks.append(int("".join(inverted), 2))
    final_rows = (
        int("".join(row + "0" for row in _grid_rows(qrcode_seam.function_grid(version, scoring=False, mask=m))), 2)
        for m in range(8)
    )
    return _Layout(
        packing=packing,
        scoring=_pack(_grid_rows(scoring)),
        final_rows=tuple(final_rows),
        masks=tuple(masks),
        place=operator.itemgetter(*sources),
        data_modules=light,
    )


def _gf_tables() -> tuple[list[int], list[int]]:
    """GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1: antilog (doubled, no modulo
    needed for a sum of two logs) and log tables."""
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    return exp, log


_EXP, _LOG = _gf_tables()


@cache
def _generator(ec_count: int) -> tuple[int, ...]:
    """log of each coefficient (after the leading 1) of the product of (x + a^i), i < ec_count."""
    poly = [1]
    for i in range(ec_count):
        product = [*poly, 0]
        for j, coefficient in enumerate(poly):
            if coefficient:
                product[j + 1] ^= _EXP[_LOG[coefficient] + i]
        poly = product
    return tuple(_LOG[c] for c in poly[1:])


@cache
def _generator_multiples(ec_count: int) -> tuple[int, ...]:
    """For each factor 0-255, factor x generator (without its leading 1) as one big-endian int:
    a division step is then one shift and one XOR (dense codes carrying the signed offline
    payload have ~14 blocks of ~30 bytes; the byte-wise loop took most of the matrix's time)."""
    generator = _generator(ec_count)
    multiples = [0]
    for factor in range(1, 256):
        shift = _LOG[factor]
        multiples.append(int.from_bytes(bytes(_EXP[shift + g] for g in generator), "big"))
    return tuple(multiples)


def _error_correction(block: bytes, ec_count: int) -> list[int]:
    """Reed-Solomon: the remainder of block(x) * x^ec_count divided by the generator."""
    multiples = _generator_multiples(ec_count)
    top, mask = 8 * (ec_count - 1), (1 << (8 * ec_count)) - 1
    remainder = 0
    for byte in block:
        factor = byte ^ (remainder >> top)
        remainder = ((remainder << 8) & mask) ^ multiples[factor]
    return list(remainder.to_bytes(ec_count, "big"))


_NUMBER_BITS = {3: 10, 2: 7, 1: 4}
_ALPHA_NUM = qrcode_seam.ALPHA_NUM


def _segment_bits(mode: int, data: bytes) -> str:
    """A segment's payload as a bit string (qrcode's QRData.write)."""
    if mode == qrcode_seam.MODE_NUMBER:
        groups = (data[i : i + 3] for i in range(0, len(data), 3))
        return "".join(format(int(g), f"0{_NUMBER_BITS[len(g)]}b") for g in groups)
    if mode == qrcode_seam.MODE_ALPHA_NUM:
        pairs = (data[i : i + 2] for i in range(0, len(data), 2))
        return "".join(
            format(_ALPHA_NUM.find(p[:1]) * 45 + _ALPHA_NUM.find(p[1:]), "011b")
            if len(p) == 2
            else format(_ALPHA_NUM.find(p), "06b")
            for p in pairs
        )
    return format(int.from_bytes(data, "big"), f"0{len(data) * 8}b") if data else ""


@cache
def _interleaving(version: int) -> Callable[[bytes], tuple[int, ...]]:
    """Picks the codewords in transmission order out of the blocks' data then the blocks' error
    correction, each block after the other: the data interleaved column by column (shorter blocks
    skipped), then the error correction the same way."""
    blocks = qrcode_seam.rs_blocks_m(version)
    data_starts = list(itertools.accumulate((d for _, d in blocks), initial=0))
    ec_starts = list(itertools.accumulate((t - d for t, d in blocks), initial=data_starts[-1]))
    order = [data_starts[j] + i for i in range(max(d for _, d in blocks)) for j, (_, d) in enumerate(blocks) if i < d]
    order += [
        ec_starts[j] + i for i in range(max(t - d for t, d in blocks)) for j, (t, d) in enumerate(blocks) if i < t - d
    ]
    return operator.itemgetter(*order)


def _codewords(url: str) -> tuple[int, bytes]:
    """The version and the interleaved data + error correction codewords for ``url`` at level M,
    as `qrcode` makes them (its segmentation into numeric / alphanumeric / byte runs, version fit,
    terminator and padding), with bit strings and a table-driven Reed-Solomon instead of its
    bit-by-bit buffer and polynomial objects."""
    from bisect import bisect_left

    segments = qrcode_seam.data_segments(url.encode("ascii"))
    payloads = [_segment_bits(mode, data) for mode, data in segments]

    def bits_for(version: int) -> str:
        sizes = qrcode_seam.mode_sizes(version)
        return "".join(
            format(mode, "04b") + format(len(data), f"0{sizes[mode]}b") + payload
            for (mode, data), payload in zip(segments, payloads, strict=True)
        )

    limits = qrcode_seam.bit_limits_m()
    version = 1  # qrcode's best_fit: the smallest version whose capacity holds the bits
    while True:
        fitted = bisect_left(limits, len(bits_for(version)), version)
        if fitted > 40:
            raise qrcode_seam.data_overflow()
        if qrcode_seam.mode_sizes(fitted) is qrcode_seam.mode_sizes(version):
            version = fitted
            break
        version = fitted
    blocks = qrcode_seam.rs_blocks_m(version)  # (total, data) codewords per block
    capacity = sum(data_count for _, data_count in blocks) * 8
    bits = bits_for(version)
    bits += "0" * min(capacity - len(bits), 4)  # terminator
    bits += "0" * (-len(bits) % 8)
    data = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
    data += bytes([0xEC, 0x11]) * ((capacity // 8 - len(data)) // 2 + 1)
    data = data[: capacity // 8]
    ec, offset = bytearray(), 0
    for total_count, data_count in blocks:
        ec += bytes(_error_correction(data[offset : offset + data_count], total_count - data_count))
        offset += data_count
    return version, bytes(_interleaving(version)(data + ec))


def qr_rows(text: str) -> list[str]:
    """The QR code's rows as strings, "1" dark (error correction M, no quiet zone), top row
    first; the mask is the one with the lowest penalty (`qr_penalty`'s score), the first one on
    a tie (as `qrcode` chooses). The data is placed once, into rows and columns at the same time
    (one C-level gather); each mask is then one XOR and its score a few dozen big-int operations."""
    version, data = _codewords(text)
    layout = _layout(version)
    packing = layout.packing
    bits = format(int.from_bytes(data, "big"), f"0{len(data) * 8}b")
    placed = int("".join(layout.place(bits.ljust(layout.data_modules + 1, "0"))), 2)
    scores = [_packed_penalty(layout.scoring | (placed ^ inverted), packing) for inverted in layout.masks]
    mask = scores.index(min(scores))  # the first of the lowest
    rows = layout.final_rows[mask] | ((placed ^ layout.masks[mask]) >> packing.half)
    packed_rows = format(rows, f"0{packing.half}b")
    stride, size = packing.stride, packing.size
    return [packed_rows[i : i + size] for i in range(0, packing.half, stride)]


def qr_matrix(text: str) -> list[list[bool]]:
    """`qr_rows` as booleans (True dark)."""
    return [[ch == "1" for ch in row] for row in qr_rows(text)]
