"""The verification QR code's module matrix, exactly as the `qrcode` library draws it, ~4x faster.

`qrcode` places the data once per candidate mask (nine passes, ~0.5 ms each in pure Python),
scores each mask module by module and builds the codewords bit by bit with polynomial objects.
Here the segments are bit strings, Reed-Solomon is table-driven, the data is placed once as rows
of Python ints, each of the eight masks is one XOR per row, and the penalty (`qr_penalty`) works
on row and column strings. What stays `qrcode`'s: the split into numeric / alphanumeric / byte
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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from . import _qrcode_seam as qrcode_seam

__all__ = ["qr_matrix", "qr_penalty"]

_LIGHT_RUN = re.compile("00000+")
_DARK_RUN = re.compile("11111+")
# 1:1:3:1:1 with four light modules on one side. Neither pattern overlaps itself, so str.count
# (non-overlapping) counts every occurrence; the two may overlap each other and are counted apart.
_FINDER_LIKE = ("10111010000", "00001011101")


def _line_penalty(rows: Sequence[str], bits: Sequence[int]) -> int:
    """ISO/IEC 18004 7.8.3 penalty of a matrix given as row strings ("1" dark) and the same rows
    as ints (leftmost module = highest bit)."""
    n = len(rows)
    # Every row and column in one string: no run or finder-like pattern crosses a "|".
    lines = "|".join(itertools.chain(rows, ("".join(col) for col in zip(*rows, strict=True))))
    runs = _LIGHT_RUN.findall(lines) + _DARK_RUN.findall(lines)
    penalty = sum(map(len, runs)) - 2 * len(runs)  # 3 for a run of five, one more per extra module
    penalty += 40 * sum(lines.count(pattern) for pattern in _FINDER_LIKE)
    full = (1 << (n - 1)) - 1  # the n - 1 block positions of a row pair
    for upper, lower in itertools.pairwise(bits):
        same = ~(upper ^ lower)
        penalty += 3 * ((same & (same >> 1) & ~(upper ^ (upper >> 1))) & full).bit_count()
    dark = sum(b.bit_count() for b in bits)
    return penalty + int(abs(dark * 100 / (n * n) - 50) / 5) * 10


def qr_penalty(modules: Sequence[Sequence[bool | None]]) -> int:
    """The mask penalty exactly as `qrcode.util.lost_point` scores it: N1 runs of 5+ (3 + extra),
    N2 2x2 blocks (3 each), N3 finder-like 1:1:3:1:1 with 4 light (40 each), N4 dark share off
    50% (10 per 5%)."""
    rows = ["".join("1" if m else "0" for m in row) for row in modules]
    return _line_penalty(rows, [int(row, 2) for row in rows])


@dataclass(frozen=True)
class _Layout:
    """Everything about a version that does not depend on the data (built once per version)."""

    size: int
    #: Function patterns as drawn while scoring masks (format/version information left light).
    scoring_rows: tuple[int, ...]
    #: Function patterns as finally drawn, per mask (format information names the mask).
    final_rows: tuple[tuple[int, ...], ...]
    #: Per mask, the data modules the mask inverts.
    mask_rows: tuple[tuple[int, ...], ...]
    #: Data modules in placement order: (row, bit).
    order: tuple[tuple[int, int], ...]


def _row_bits(grid: Sequence[Sequence[bool | None]]) -> tuple[int, ...]:
    return tuple(int("".join("1" if m else "0" for m in row), 2) for row in grid)


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
    size = len(scoring)
    positions = _placement_order(scoring)
    mask_rows = []
    for mask in range(8):
        inverted = [0] * size
        test = qrcode_seam.mask_test(mask)
        for r, c in positions:
            if test(r, c):
                inverted[r] |= 1 << (size - 1 - c)
        mask_rows.append(tuple(inverted))
    return _Layout(
        size=size,
        scoring_rows=_row_bits(scoring),
        final_rows=tuple(_row_bits(qrcode_seam.function_grid(version, scoring=False, mask=m)) for m in range(8)),
        mask_rows=tuple(mask_rows),
        order=tuple((r, 1 << (size - 1 - c)) for r, c in positions),
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
    data_blocks, ec_blocks, offset = [], [], 0
    for total_count, data_count in blocks:
        data_blocks.append(data[offset : offset + data_count])
        ec_blocks.append(_error_correction(data_blocks[-1], total_count - data_count))
        offset += data_count
    interleaved = bytearray()
    for column in itertools.zip_longest(*data_blocks):
        interleaved.extend(b for b in column if b is not None)
    for column in itertools.zip_longest(*ec_blocks):
        interleaved.extend(b for b in column if b is not None)
    return version, bytes(interleaved)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules (error correction M, no quiet zone), top row first; the mask is the
    one with the lowest penalty (`qr_penalty`'s score), the first one on a tie (as `qrcode`
    chooses)."""
    version, data = _codewords(url)
    layout = _layout(version)
    size = layout.size
    data_rows = [0] * size
    stream = format(int.from_bytes(data, "big"), f"0{len(data) * 8}b")
    for (row, bit), value in zip(layout.order, stream, strict=False):  # remainder bits stay light
        if value == "1":
            data_rows[row] |= bit
    row_format = f"0{size}b"
    best: tuple[int, int] | None = None
    for mask, inverted in enumerate(layout.mask_rows):
        bits = [f | (d ^ m) for f, d, m in zip(layout.scoring_rows, data_rows, inverted, strict=True)]
        score = _line_penalty([format(b, row_format) for b in bits], bits)
        if best is None or score < best[0]:
            best = (score, mask)
    assert best is not None
    mask = best[1]
    final = layout.final_rows[mask]
    inverted = layout.mask_rows[mask]
    return [
        [ch == "1" for ch in format(f | (d ^ m), row_format)]
        for f, d, m in zip(final, data_rows, inverted, strict=True)
    ]
