"""The one place that reaches into `qrcode`'s undocumented internals (checked against qrcode 8.2).

Why it exists: `qr.py` draws the verification QR code ~4x faster than `qrcode` itself while staying
module for module `qrcode`'s (docs/decisions/0004-hand-written-qr-encoder.md). To stay identical it
reuses what `qrcode` decides rather than copying it: the segmentation, the capacity and block
tables, the mask patterns and the function patterns its `QRCode.setup_*` methods draw. None of
these is public API (`qrcode` documents only `QRCode`, `make`, `add_data` and the image
factories), so a release may rename or reshape them without notice. Everything `qr.py` needs from
`qrcode` comes through the plain functions below; `tests/unit/test_library_seams.py` fails with a
clear message when the installed `qrcode` is not the pinned one or one of these names changed
shape, and `tests/unit/test_qr.py` compares the output with `qrcode`'s module for module.

Imports `qrcode` lazily (inside the functions): rendering modules stay cheap to import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "ALPHA_NUM",
    "CHECKED_VERSION",
    "MODE_ALPHA_NUM",
    "MODE_NUMBER",
    "bit_limits_m",
    "data_overflow",
    "data_segments",
    "function_grid",
    "mask_test",
    "mode_sizes",
    "rs_blocks_m",
]

#: The `qrcode` release these internals were read from (requirements.txt pins it).
CHECKED_VERSION = "8.2"

#: The alphanumeric mode's 45 characters in code order (`qrcode.util.ALPHA_NUM`, ISO/IEC 18004 table 5).
ALPHA_NUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
#: Segment mode indicators as `qrcode.util` numbers them (ISO/IEC 18004 table 2).
MODE_NUMBER = 1
MODE_ALPHA_NUM = 2


def data_overflow() -> Exception:
    """`qrcode`'s own exception for data that fits no version (callers catch `qrcode`'s type)."""
    from qrcode.exceptions import DataOverflowError as QrcodeOverflow

    return QrcodeOverflow()


def data_segments(data: bytes) -> list[tuple[int, bytes]]:
    """``data`` split into (mode, bytes) segments exactly as `qrcode.QRCode.add_data` splits it
    (`qrcode.util.optimal_data_chunks` with ``minimum=20``, the optimisation QRCode uses)."""
    from qrcode.util import optimal_data_chunks

    return [(chunk.mode, chunk.data) for chunk in optimal_data_chunks(data, minimum=20)]


def mode_sizes(version: int) -> dict[int, int]:
    """Character-count field width per mode for ``version`` (`qrcode.util.mode_sizes_for_version`);
    the same dict object for every version of one size class, which `qr.py`'s version fit relies on."""
    from qrcode.util import mode_sizes_for_version

    return mode_sizes_for_version(version)  # type: ignore[no-any-return]


def bit_limits_m() -> Sequence[int]:
    """Data capacity in bits per version at error correction M, index 0 unused
    (`qrcode.util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]`)."""
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import BIT_LIMIT_TABLE

    return BIT_LIMIT_TABLE[ERROR_CORRECT_M]  # type: ignore[no-any-return]


def rs_blocks_m(version: int) -> list[tuple[int, int]]:
    """The Reed-Solomon blocks of ``version`` at level M as (total codewords, data codewords)
    (`qrcode.base.rs_blocks`)."""
    from qrcode.base import rs_blocks
    from qrcode.constants import ERROR_CORRECT_M

    return [(block.total_count, block.data_count) for block in rs_blocks(version, ERROR_CORRECT_M)]


def mask_test(mask: int) -> Callable[[int, int], bool]:
    """Mask pattern ``mask`` (0-7) as `qrcode.util.mask_func`: (row, column) -> invert?"""
    from qrcode.util import mask_func

    return mask_func(mask)  # type: ignore[no-any-return]


def _blank(version: int) -> Any:
    """A `QRCode` at ``version`` with an empty grid and the patterns that do not depend on the
    mask: finders, alignment, timing (what `QRCode.makeImpl` draws before the data)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    qr.modules_count = size = version * 4 + 17
    qr.modules = [[None] * size for _ in range(size)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(size - 7, 0)
    qr.setup_position_probe_pattern(0, size - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    return qr


def function_grid(version: int, *, scoring: bool, mask: int) -> list[list[bool | None]]:
    """`qrcode`'s function patterns for ``version`` (its makeImpl minus the data): True dark,
    False light, None a data module. ``scoring`` leaves the format/version information light as
    `qrcode` does while it scores masks; otherwise the format information names ``mask``."""
    qr = _blank(version)
    qr.setup_type_info(scoring, mask)
    if version >= 7:
        qr.setup_type_number(scoring)
    return qr.modules  # type: ignore[no-any-return]
