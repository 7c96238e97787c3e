"""The one place that changes reportlab's internals (checked against reportlab 5.1.0).

Why it exists: `reportlab_tuning.py` decides how certificates are compressed and that the font
face keeps its tables (docs/decisions/0006-reportlab-tuning.md); reportlab offers no setting for
two of these, so they are done by replacing internals: the module-level Flate filter object
`reportlab.pdfbase.pdfdoc.PDFZCompress` (an instance of `PDFStreamFilterZCompress`, read when each
stream is written) and the `get_table` method of a `ttfonts.TTFontFace`. The character map of a
face (`TTFontFace.charToGlyph`) is read here as well. None of this is documented API: a reportlab
release may rename or reshape it. The rest of the code calls the plain functions below;
`tests/unit/test_library_seams.py` fails with a clear message when the installed reportlab is not
the pinned one or one of these names changed shape, and `tests/unit/test_certificate_pdf.py`
checks that the tuning changes only how streams are compressed.

Process-wide: reportlab holds these settings in module globals. Imports reportlab lazily.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

__all__ = ["CHECKED_VERSION", "cache_face_tables", "face_code_points", "set_ascii85", "set_flate_level"]

#: The reportlab release these internals were read from (requirements.txt pins it).
CHECKED_VERSION = "5.1.0"


def set_ascii85(enabled: bool) -> None:
    """Whether reportlab wraps Flate streams in ASCII85 (`rl_config.useA85`, a public setting)."""
    from reportlab import rl_config

    rl_config.useA85 = 1 if enabled else 0


def set_flate_level(level: int) -> None:
    """Compress every Flate stream reportlab writes in this process at zlib ``level`` (reportlab
    always uses zlib's default, 6): its one `PDFZCompress` filter object is replaced by one that
    passes the level."""
    from reportlab.pdfbase import pdfdoc

    class LevelledFlate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
        def encode(self, text: str | bytes) -> bytes:
            return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, level)

    pdfdoc.PDFZCompress = LevelledFlate()


def cache_face_tables(face: Any) -> None:
    """Make a reportlab ``TTFontFace`` copy each table out of the font file once, not per subset
    (its ``get_table`` copies the bytes on every call)."""
    tables: dict[str, bytes] = {}
    copy_table: Callable[[str], bytes] = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = copy_table(tag)
        return data

    face.get_table = get_table


def face_code_points(face: Any) -> frozenset[int]:
    """The code points a reportlab ``TTFontFace`` has glyphs for (its ``charToGlyph`` map)."""
    return frozenset(face.charToGlyph)
